{{%AUTOESCAPE context="HTML"}}
{{! settings_preview.tpl: for administrators: the request body the next batch would be sent with under the settings in force, built and signed as the worker does, the phones masked in this copy; nothing is sent. }}
<div class="page-head">
<h1>预览下一批请求</h1>
<p class="lead">按当前生效的设置生成、签名，与发送程序使用同一段代码；本页不会向供应商发送任何请求。号码在本页已隐去，签名按真实号码计算。</p>
</div>
<section class="card" aria-labelledby="preview-title">
<h2 id="preview-title">请求</h2>
<dl class="param-list preview-list">
<div><dt>请求地址</dt><dd><code>POST {{URL}}</code></dd></div>
{{#BATCH}}<div><dt>批次</dt><dd><a href="/tasks/{{TASK_ID}}">{{TASK_NAME}}</a>，第 {{SEQ}} / {{OF}} 批，{{ROWS}} 个号码</dd></div>{{/BATCH}}
{{#SAMPLE}}<div><dt>批次</dt><dd>队列中没有待发送的批次：以下是两个虚构号码的示例批次。</dd></div>{{/SAMPLE}}
<div><dt>签名规则</dt><dd><code>{{RECIPE}}</code></dd></div>
<div><dt>签名（sign）</dt><dd><code class="preview-sign">{{SIGN}}</code></dd></div>
<div><dt>号码加密</dt><dd>{{ENCRYPTION}}</dd></div>
</dl>
{{#FAILED}}<p class="flash flash-error" role="alert">无法生成请求：{{TEXT}}</p>{{/FAILED}}
{{#BODY}}<h3>请求体（号码已隐去）</h3>
<pre class="preview-body"><code>{{JSON}}</code></pre>{{/BODY}}
<div class="form-actions"><a class="btn" href="/settings">返回系统设置</a></div>
</section>
