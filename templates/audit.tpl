{{%AUTOESCAPE context="HTML"}}
{{! audit.tpl: the audit log, filtered by a GET form and paged. A row carries no class but its details cell's: the columns' looks are in style.css (.audit-table td:nth-child), once. }}
<div class="page-head">
<h1>审计日志</h1>
<p class="lead">谁在何时、从何处做了什么。</p>
</div>
<form method="get" action="/audit" class="filter-bar" role="search" aria-label="筛选审计日志">
<div class="field">
<label for="f-user">操作人</label>
<input id="f-user" type="text" name="user" value="{{F_USER}}" maxlength="64" autocomplete="off" spellcheck="false">
</div>
<div class="field">
<label for="f-action">操作</label>
<select id="f-action" name="action">
{{! safe: ACTION_OPTIONS is audit_actions.tpl's own expansion, autoescaped there (page_audit.c keeps it per selected action). }}
{{ACTION_OPTIONS:none}}
</select>
</div>
<div class="field">
<label for="f-from">开始日期</label>
<input id="f-from" type="date" name="from" value="{{F_FROM}}">
</div>
<div class="field">
<label for="f-to">结束日期</label>
<input id="f-to" type="date" name="to" value="{{F_TO}}">
</div>
<div class="filter-actions">
<button type="submit" class="btn btn-primary">筛选</button>
<a class="btn btn-secondary" href="/audit">重置</a>
</div>
</form>
<div class="table-wrap" role="region" aria-labelledby="audit-caption" tabindex="0">
<table class="data-table audit-table">
<caption id="audit-caption" class="visually-hidden">审计日志记录，{{PAGE_LABEL}}</caption>
<thead>
<tr><th scope="col">时间</th><th scope="col">操作人</th><th scope="col">来源地址</th><th scope="col">操作</th><th scope="col">对象</th><th scope="col">详情</th><th scope="col">哈希</th></tr>
</thead>
<tbody>
{{#ROW}}
<tr id="audit-{{ROW_ID}}">
<td>{{ROW_TIME}}</td>
<td>{{ROW_ACTOR}}</td>
<td title="{{ROW_UA}}">{{ROW_ADDR}}</td>
<td>{{ROW_ACTION_LABEL}} <code class="action-code">{{ROW_ACTION}}</code></td>
<td>{{ROW_OBJECT}}</td>
<td class="details-cell">{{#DETAIL}}<p><span>{{DETAIL_LABEL}}</span>：{{DETAIL_VALUE}}</p>{{/DETAIL}}</td>
<td><code>{{ROW_HASH_SHORT}}</code></td>
</tr>
{{/ROW}}
{{#EMPTY}}
<tr><td colspan="7" class="empty">没有符合条件的记录</td></tr>
{{/EMPTY}}
</tbody>
</table>
</div>
<nav class="pager" aria-label="分页">
{{#FIRST}}<a class="btn btn-secondary" href="{{FIRST_HREF}}">最新</a>{{/FIRST}}
{{#PREV}}<a class="btn btn-secondary" href="{{PREV_HREF}}" rel="prev">上一页</a>{{/PREV}}
<span class="pager-current">{{PAGE_LABEL}}</span>
{{#NEXT}}<a class="btn btn-secondary" href="{{NEXT_HREF}}" rel="next">下一页</a>{{/NEXT}}
</nav>
