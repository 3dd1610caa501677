{{%AUTOESCAPE context="HTML"}}
{{! tasks.tpl: the task history, newest first, filtered by a GET form and paged; drafts (lists uploaded but not confirmed) head the first page. }}
<div class="page-head page-head-row">
<div>
<h1>任务列表</h1>
<p class="lead">每个外呼任务的名单、批次与发送状态。</p>
</div>
{{#CAN_CREATE}}<a class="btn btn-primary" href="/tasks/new">新建任务</a>{{/CAN_CREATE}}
</div>
<form method="get" action="/tasks" class="filter-bar" role="search" aria-label="筛选任务">
<div class="field">
<label for="f-q">任务名称</label>
<input id="f-q" type="text" name="q" value="{{Q_VALUE}}" maxlength="100" autocomplete="off">
</div>
<div class="field">
<label for="f-status">状态</label>
<select id="f-status" name="status">
<option value="">全部状态</option>
{{#STATUS_OPT}}
<option value="{{OPT_VALUE}}"{{#OPT_SELECTED}} selected{{/OPT_SELECTED}}>{{OPT_LABEL}}</option>
{{/STATUS_OPT}}
</select>
</div>
<div class="field">
<label for="f-creator">创建人</label>
<select id="f-creator" name="creator">
<option value="">全部创建人</option>
{{#CREATOR_OPT}}
<option value="{{OPT_VALUE}}"{{#OPT_SELECTED}} selected{{/OPT_SELECTED}}>{{OPT_LABEL}}</option>
{{/CREATOR_OPT}}
</select>
</div>
<div class="field">
<label for="f-from">开始日期</label>
<input id="f-from" type="date" name="from" value="{{FROM_VALUE}}">
</div>
<div class="field">
<label for="f-to">结束日期</label>
<input id="f-to" type="date" name="to" value="{{TO_VALUE}}">
</div>
<div class="filter-actions">
<button type="submit" class="btn btn-primary">筛选</button>
<a class="btn btn-secondary" href="/tasks">重置</a>
</div>
</form>
{{#EXPORTS}}<div class="export-links export-links-bar" role="group" aria-label="导出当前筛选的任务"><a class="btn btn-secondary btn-small" href="{{EXPORT_CSV_HREF}}">导出 CSV</a><a class="btn btn-secondary btn-small" href="{{EXPORT_XLSX_HREF}}">导出 Excel</a></div>{{/EXPORTS}}
{{#FILTER_ERROR}}<p class="error" role="alert">{{TEXT}}</p>{{/FILTER_ERROR}}
<div class="table-wrap" role="region" aria-labelledby="tasks-caption" tabindex="0">
<table class="data-table tasks-table">
<caption id="tasks-caption" class="visually-hidden">外呼任务，{{PAGE_LABEL}}</caption>
<thead>
<tr><th scope="col" class="num col-narrow">编号</th><th scope="col">任务名称</th><th scope="col">创建人</th><th scope="col">创建时间</th><th scope="col" class="num">号码数</th><th scope="col">进度</th><th scope="col">状态</th></tr>
</thead>
<tbody>
{{#DRAFT}}
<tr id="draft-{{DRAFT_ID}}" class="draft-row">
<td class="num">—</td>
<td class="task-name"><a href="{{DRAFT_HREF}}" title="名单文件：{{DRAFT_FILE}}">{{DRAFT_NAME}}</a></td>
<td>{{DRAFT_CREATOR}}</td>
<td class="nowrap">{{DRAFT_CREATED}}</td>
<td class="num">{{DRAFT_ROWS}}</td>
<td class="nowrap">未确认，{{DRAFT_EXPIRES}} 自动取消</td>
<td><span class="badge badge-preview">{{DRAFT_STATE_LABEL}}</span></td>
</tr>
{{/DRAFT}}
{{#TASK}}
<tr id="task-{{TASK_ID}}">
<td class="num">{{TASK_ID}}</td>
<td class="task-name"><a href="/tasks/{{TASK_ID}}">{{TASK_NAME}}</a></td>
<td>{{TASK_CREATOR}}</td>
<td class="nowrap">{{TASK_CREATED}}</td>
<td class="num">{{TASK_ROWS}}</td>
<td class="nowrap">{{TASK_DONE}}/{{TASK_BATCHES}} 批</td>
<td><span class="badge badge-{{TASK_STATE}}">{{TASK_STATE_LABEL}}</span></td>
</tr>
{{/TASK}}
{{#EMPTY}}
<tr><td colspan="7" class="empty">没有符合条件的任务</td></tr>
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
