{{%AUTOESCAPE context="HTML"}}
{{! pushes.tpl: for administrators: the vendor's import pushes that no batch claims yet (each can be linked to a batch by hand), and the ones refused because they could not be read. Cells carry no class: each column's look is in style.css (.pushes-table, .rejected-table td:nth-child), once. }}
<div class="page-head">
<h1>供应商推送</h1>
<p class="lead">供应商的异步导入推送中，尚未关联到批次的，以及无法解析而被拒收的。</p>
</div>
{{#FLASH}}<div class="flash flash-{{FLASH_KIND}}" role="status">{{TEXT}}</div>{{/FLASH}}
<section class="preview-table" aria-labelledby="unmatched-caption">
<div class="table-wrap" role="region" aria-labelledby="unmatched-caption" tabindex="0">
<table class="data-table pushes-table">
<caption id="unmatched-caption" class="table-caption">未匹配的推送：还没有批次使用该供应商任务 ID</caption>
<thead>
<tr><th scope="col" class="num col-narrow">编号</th><th scope="col">收到时间</th><th scope="col">来源地址</th><th scope="col">供应商任务</th><th scope="col">内容</th><th scope="col" class="col-action">关联到批次</th></tr>
</thead>
<tbody>
{{#UNMATCHED}}
<tr id="push-{{PUSH_ID}}">
<td>{{PUSH_ID}}</td>
<td>{{PUSH_RECEIVED}}</td>
<td>{{PUSH_ADDR}}</td>
<td><code id="push-sn-{{PUSH_ID}}">{{PUSH_SN}}</code></td>
<td>{{PUSH_SUMMARY}}</td>
<td><form method="post" action="{{LINK_ACTION}}"><input type="hidden" name="csrf" value="{{CSRF}}"><label>批次编号 <input type="number" name="batch" min="1" required aria-describedby="push-sn-{{PUSH_ID}}"></label><button class="btn btn-secondary">关联</button></form></td>
</tr>
{{/UNMATCHED}}
{{#NO_UNMATCHED}}
<tr><td colspan="6" class="empty">没有未匹配的推送</td></tr>
{{/NO_UNMATCHED}}
</tbody>
</table>
</div>
<nav class="pager" aria-label="未匹配的推送分页">
{{#FIRST}}<a class="btn btn-secondary" href="{{FIRST_HREF}}">最新</a>{{/FIRST}}
{{#PREV}}<a class="btn btn-secondary" href="{{PREV_HREF}}" rel="prev">上一页</a>{{/PREV}}
{{#NEXT}}<a class="btn btn-secondary" href="{{NEXT_HREF}}" rel="next">下一页</a>{{/NEXT}}
</nav>
</section>
<section class="preview-table" aria-labelledby="rejected-caption">
<div class="table-wrap" role="region" aria-labelledby="rejected-caption" tabindex="0">
<table class="data-table rejected-table">
<caption id="rejected-caption" class="table-caption">无法解析而被拒收的推送</caption>
<thead>
<tr><th scope="col" class="num col-narrow">编号</th><th scope="col">收到时间</th><th scope="col">来源地址</th><th scope="col">内容类型</th><th scope="col" class="num">声明长度</th><th scope="col">原因</th><th scope="col">内容</th></tr>
</thead>
<tbody>
{{#REJECTED}}
<tr id="rejected-{{REJ_ID}}">
<td>{{REJ_ID}}</td>
<td>{{REJ_RECEIVED}}</td>
<td>{{REJ_ADDR}}</td>
<td><code>{{REJ_CTYPE}}</code></td>
<td>{{REJ_LENGTH}}</td>
<td>{{REJ_REASON}}</td>
<td><pre class="push-body" tabindex="0">{{REJ_BODY:pre_escape}}</pre></td>
</tr>
{{/REJECTED}}
{{#NO_REJECTED}}
<tr><td colspan="7" class="empty">没有被拒收的推送</td></tr>
{{/NO_REJECTED}}
</tbody>
</table>
</div>
</section>
