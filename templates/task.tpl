{{%AUTOESCAPE context="HTML"}}
{{! task.tpl: one call task: what was sent, how far the batches have gone, and the actions left (resend one batch, cancel the rest). }}
<div class="page-head">
<h1 class="title-with-badge"><span>{{TASK_NAME}}</span> <span class="badge badge-{{TASK_STATE}}">{{TASK_STATE_LABEL}}</span></h1>
<dl class="meta-line">
<div><dt>编号</dt><dd>{{TASK_ID}}</dd></div>
<div><dt>创建人</dt><dd>{{TASK_CREATOR}}</dd></div>
<div><dt>创建时间</dt><dd>{{TASK_CREATED}}</dd></div>
<div><dt>供应商账号</dt><dd>{{LOGIN_NAME}}</dd></div>
</dl>
{{#CAN_COPY}}<p class="page-actions"><a class="btn btn-secondary btn-small" href="{{COPY_HREF}}">复制为新任务</a></p>{{/CAN_COPY}}
</div>
{{#FLASH}}<div class="flash flash-{{FLASH_KIND}}" role="status">{{TEXT}}</div>{{/FLASH}}
<section class="card progress-card" aria-labelledby="progress-title">
<h2 id="progress-title">发送进度</h2>
<progress id="batch-progress" max="{{BATCHES_TOTAL}}" value="{{BATCHES_SETTLED}}" aria-labelledby="progress-title">{{BATCHES_SETTLED}} / {{BATCHES_TOTAL}}</progress>
<p class="progress-text">已完成 <strong>{{BATCHES_SETTLED}}</strong> / {{BATCHES_TOTAL}} 批</p>
{{#REFRESHING}}<p class="field-hint refresh-note">页面每 5 秒自动刷新，直到所有批次完成。</p>{{/REFRESHING}}
</section>
<div class="preview-columns">
<section class="card" aria-labelledby="params-title">
<h2 id="params-title">发送的任务参数</h2>
<dl class="param-list">
{{#PARAM}}
<div><dt>{{PARAM_LABEL}}</dt><dd>{{PARAM_VALUE}}</dd></div>
{{/PARAM}}
</dl>
</section>
<section class="card" aria-labelledby="list-title">
<h2 id="list-title">呼叫名单</h2>
<dl class="param-list">
<div><dt>文件</dt><dd class="file-name">{{FILE_NAME}}</dd></div>
<div><dt>读取</dt><dd>{{ROWS_READ}} 行</dd></div>
<div><dt>有效</dt><dd>{{VALID}}</dd></div>
<div><dt>无效</dt><dd>{{INVALID}}</dd></div>
<div><dt>重复</dt><dd>{{DUPLICATES}}</dd></div>
</dl>
<p><a href="{{IMPORT_HREF}}">查看名单预览</a></p>
</section>
</div>
{{>BREAKDOWN}}
<section class="preview-table" aria-labelledby="batches-caption">
<div class="table-wrap" role="region" aria-labelledby="batches-caption" tabindex="0">
<table class="data-table batches-table">
<caption id="batches-caption" class="table-caption">批次</caption>
<thead>
<tr><th scope="col">批次</th><th scope="col" class="num">号码数</th><th scope="col">状态</th><th scope="col">供应商任务 ID</th><th scope="col">错误码</th><th scope="col">说明</th><th scope="col" class="num">尝试次数</th><th scope="col">发送时间</th><th scope="col">请求摘要</th></tr>
</thead>
<tbody>
{{#BATCH}}
<tr>
<td class="nowrap">{{BATCH_SEQ}}</td>
<td class="num">{{BATCH_ROWS}}</td>
<td>
<span class="badge badge-{{BATCH_STATE}}">{{BATCH_STATE_LABEL}}</span>
{{#BATCH_RESEND}}
<form method="post" action="{{RESEND_ACTION}}" class="resend-form">
<input type="hidden" name="csrf" value="{{CSRF}}">
<button type="submit" class="btn btn-danger-outline btn-small">重新发送</button>
<span class="resend-note">确认供应商未收到后再重发</span>
</form>
{{/BATCH_RESEND}}
</td>
<td><code>{{BATCH_VENDOR_TASK_ID}}</code></td>
<td class="nowrap">{{BATCH_ERRCODE}}</td>
<td class="batch-message">{{BATCH_MESSAGE}}</td>
<td class="num">{{BATCH_ATTEMPTS}}</td>
<td class="nowrap">{{BATCH_SENT_AT}}</td>
<td><code class="hash" title="{{BATCH_BODY_SHA_FULL}}">{{BATCH_BODY_SHA}}</code></td>
</tr>
{{/BATCH}}
</tbody>
</table>
</div>
{{#BATCH_PAGER}}
<nav class="pager" aria-label="批次分页">
{{#FIRST}}<a class="btn btn-secondary" href="{{FIRST_HREF}}">第一页</a>{{/FIRST}}
{{#PREV}}<a class="btn btn-secondary" href="{{PREV_HREF}}" rel="prev">上一页</a>{{/PREV}}
<span class="pager-current">{{PAGER_TEXT}}</span>
{{#NEXT}}<a class="btn btn-secondary" href="{{NEXT_HREF}}" rel="next">下一页</a>{{/NEXT}}
</nav>
{{/BATCH_PAGER}}
</section>
{{#CAN_CANCEL}}
<section class="card confirm-bar confirm-bar-danger" aria-labelledby="cancel-title">
<h2 id="cancel-title">取消任务</h2>
<p>尚未发送的批次将不再发送；已发送的批次不受影响。</p>
<form method="post" action="{{CANCEL_ACTION}}">
<input type="hidden" name="csrf" value="{{CSRF}}">
<button type="submit" class="btn btn-danger-outline">取消未发送的批次</button>
</form>
</section>
{{/CAN_CANCEL}}
