{{%AUTOESCAPE context="HTML"}}
{{! home.tpl: the dashboard after sign-in: the drafts waiting for a decision, tasks and numbers sent in the last 7 and 30 days, the vendor's summed import figures, the newest tasks, and one card per place the role may go. }}
{{! The creator filter is a plain GET form, so the figures are the server's and the page works without script. }}
<div class="page-head page-head-row">
<div>
<h1>你好，{{USER_NAME}}</h1>
<p class="lead">当前角色：<span class="role-badge role-badge-light">{{ROLE_LABEL}}</span></p>
</div>
<form method="get" action="/" class="inline-filter" role="search" aria-label="按创建人查看概览">
<div class="field">
<label for="f-creator">创建人</label>
<select id="f-creator" name="creator">
<option value="">全部创建人</option>
{{#CREATOR_OPT}}
<option value="{{OPT_VALUE}}"{{#OPT_SELECTED}} selected{{/OPT_SELECTED}}>{{OPT_LABEL}}</option>
{{/CREATOR_OPT}}
</select>
</div>
<button type="submit" class="btn btn-primary">筛选</button>
</form>
</div>
{{#DRAFTS}}
<p class="flash flash-warn drafts-note" role="status">{{#DRAFTS_LINK}}<a href="{{DRAFTS_HREF}}">{{DRAFTS_TEXT}}</a>{{/DRAFTS_LINK}}{{#DRAFTS_NOLINK}}{{DRAFTS_TEXT}}{{/DRAFTS_NOLINK}}：已上传、尚未确认发送；{{DRAFTS_DAYS}} 天内未确认将自动取消。</p>
{{/DRAFTS}}
<section class="dash-figures" aria-labelledby="figures-title">
<h2 id="figures-title" class="visually-hidden">任务与发送概况</h2>
<dl class="stat-grid">
<div class="stat stat-batches"><dt>近 7 天任务</dt><dd>{{D7_TASKS}}</dd></div>
<div class="stat stat-batches"><dt>近 7 天发送号码</dt><dd>{{D7_NUMBERS}}</dd></div>
<div class="stat"><dt>近 30 天任务</dt><dd>{{D30_TASKS}}</dd></div>
<div class="stat"><dt>近 30 天发送号码</dt><dd>{{D30_NUMBERS}}</dd></div>
<div class="stat stat-ok"><dt>导入成功率（近 30 天）</dt><dd>{{SUCCESS_RATE}}<span class="stat-note">{{SUCCESS_NOTE}}</span></dd></div>
</dl>
</section>
<div class="dash-columns">
<section class="card chart-card" aria-labelledby="dash-chart-title">
<h2 id="dash-chart-title">近 30 天导入结果汇总</h2>
{{>CHART}}
</section>
<section class="latest" aria-labelledby="latest-caption">
<div class="table-wrap" role="region" aria-labelledby="latest-caption" tabindex="0">
<table class="data-table latest-table">
<caption id="latest-caption" class="table-caption">最新任务</caption>
<thead>
<tr><th scope="col">任务名称</th><th scope="col">创建人</th><th scope="col">创建时间</th><th scope="col" class="num">号码数</th><th scope="col">状态</th></tr>
</thead>
<tbody>
{{#LATEST}}
<tr>
<td class="task-name"><a href="/tasks/{{TASK_ID}}">{{TASK_NAME}}</a></td>
<td>{{TASK_CREATOR}}</td>
<td class="nowrap">{{TASK_CREATED}}</td>
<td class="num">{{TASK_ROWS}}</td>
<td><span class="badge badge-{{TASK_STATE}}">{{TASK_STATE_LABEL}}</span></td>
</tr>
{{/LATEST}}
{{#NO_LATEST}}
<tr><td colspan="5" class="empty">还没有任务</td></tr>
{{/NO_LATEST}}
</tbody>
</table>
</div>
<p class="more-link"><a href="/tasks">查看全部任务</a></p>
</section>
</div>
<ul class="card-grid">
{{#CARD}}
<li class="card card-link">
<h2><a href="{{LINK_HREF}}">{{LINK_LABEL}}</a></h2>
<p>{{LINK_TEXT}}</p>
</li>
{{/CARD}}
</ul>
