{{%AUTOESCAPE context="HTML"}}
{{! settings.tpl: for administrators: the callback address to give the vendor, and the settings in force, read from the configuration file. }}
{{! The callback address holds its secret token: it is hidden when printed. }}
<div class="page-head">
<h1>系统设置</h1>
<p class="lead">当前生效的配置，来自配置文件。</p>
</div>
<section class="card callback-card" aria-labelledby="callback-title">
<h2 id="callback-title">供应商回调地址</h2>
{{#CALLBACK_ON}}
<p class="callback-url-line"><code class="callback-url">{{CALLBACK_URL}}</code><span class="print-only">（地址中含有密钥，打印时不显示）</span></p>
<p class="field-hint">请把这个地址提供给供应商，作为异步导入推送的回调地址。地址中含有密钥，请勿外传。</p>
{{/CALLBACK_ON}}
{{#CALLBACK_OFF}}<p class="flash flash-warn callback-off">未配置 callback_token，回调接口已关闭。</p>{{/CALLBACK_OFF}}
</section>
<section class="card settings-card" aria-labelledby="settings-title">
<h2 id="settings-title">配置项</h2>
<dl class="param-list settings-list">
{{#SETTING}}
<div><dt><span class="setting-label">{{SETTING_LABEL}}</span><code class="setting-key">{{SETTING_KEY}}</code></dt><dd>{{SETTING_VALUE}}</dd></div>
{{/SETTING}}
</dl>
</section>
