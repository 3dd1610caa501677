{{%AUTOESCAPE context="HTML"}}
{{! import.tpl: the preview of an uploaded call list before anything is sent: figures, the sheet and header row read (and forms to pick others), column mapping, sample rows, problem rows, confirm or cancel; a cancelled list shows only what it was. }}
<div class="page-head">
<h1>名单预览</h1>
<p class="lead file-name">文件：{{FILE_NAME}}</p>
</div>
{{#FLASH_ERROR}}<p class="error" role="alert">{{TEXT}}</p>{{/FLASH_ERROR}}
{{#CONFIRMED}}<p class="flash flash-ok">这份名单已确认发送。<a href="{{TASK_HREF}}">查看任务进度</a></p>{{/CONFIRMED}}
{{#CANCELLED}}<section class="card cancelled-state" aria-labelledby="cancelled-title">
<h2 id="cancelled-title">已取消</h2>
<p>这份名单已取消，不会发送。它的号码已从系统中删除。<a href="/tasks/new">重新上传名单</a></p>
</section>{{/CANCELLED}}
<section class="card preview-summary" aria-labelledby="summary-title">
<h2 id="summary-title">名单概况</h2>
{{#LIVE}}<dl class="stat-grid">
<div class="stat"><dt>读取行数</dt><dd>{{ROWS_READ}}</dd></div>
<div class="stat stat-ok"><dt>有效</dt><dd>{{VALID}}</dd></div>
<div class="stat stat-bad"><dt>无效</dt><dd>{{INVALID}}</dd></div>
<div class="stat stat-warn"><dt>重复</dt><dd>{{DUPLICATES}}</dd></div>
<div class="stat stat-bad stat-dnc"><dt>免打扰</dt><dd>{{DNC_COUNT}}</dd></div>
<div class="stat stat-warn stat-recent"><dt>近期已发送</dt><dd>{{RECENT_COUNT}}<span class="stat-note">{{RECENT_NOTE}}</span></dd></div>
<div class="stat stat-batches"><dt>将分批发送</dt><dd>{{BATCHES}}<span class="stat-unit">批</span><span class="stat-note">每批 {{BATCH_SIZE}} 条</span></dd></div>
</dl>{{/LIVE}}
<dl class="facts">
<div><dt>格式</dt><dd>{{FORMAT_LABEL}}</dd></div>
{{#CSV_FACTS}}<div><dt>编码</dt><dd>{{ENCODING_LABEL}}</dd></div>
<div><dt>分隔符</dt><dd>{{DELIMITER_LABEL}}</dd></div>{{/CSV_FACTS}}
<div><dt>大小</dt><dd>{{FILE_SIZE}}</dd></div>
{{#LIVE}}{{#SHEET_FACT}}<div class="fact-sheet"><dt>工作表</dt><dd>{{SHEET_LABEL}}</dd></div>{{/SHEET_FACT}}
<div class="fact-header"><dt>表头</dt><dd>{{HEADER_LABEL}}</dd></div>{{/LIVE}}
</dl>
{{#SHEET_NOTE}}<p class="notice sheet-note">另有工作表 {{NOTE_SHEET}} 未读取：如果名单在那里，请在“表头与工作表”中切换。</p>{{/SHEET_NOTE}}
</section>
{{#NO_PHONE}}
<section class="card no-phone" aria-labelledby="no-phone-title">
<h2 id="no-phone-title">找不到手机号列</h2>
<p class="error" role="alert">名单已读取，但没有哪一列像手机号。请在下方选择表头所在的行，或直接指定手机号列。文件开头的几行（号码已脱敏）：</p>
<ol class="head-rows">
{{#HEAD_ROW}}<li><span class="head-line">第 {{HEAD_LINE}} 行</span> <span class="head-text">{{HEAD_TEXT}}</span></li>{{/HEAD_ROW}}
</ol>
</section>
{{/NO_PHONE}}
<div class="preview-columns">
<section class="card" aria-labelledby="params-title">
<h2 id="params-title">任务参数</h2>
<dl class="param-list">
{{#PARAM}}
<div><dt>{{PARAM_LABEL}}</dt><dd>{{PARAM_VALUE}}</dd></div>
{{/PARAM}}
</dl>
</section>
{{#MAPPING}}
<section class="card" aria-labelledby="mapping-title">
<h2 id="mapping-title">列识别</h2>
<p class="field-hint">文件中的列及其用途：</p>
<ul class="column-list">
{{#HEADER}}
<li><span class="column-name">{{HEADER_TEXT}}</span><span class="column-role">{{HEADER_ROLE}}</span></li>
{{/HEADER}}
</ul>
<form method="post" action="{{MAPPING_ACTION}}" class="mapping-form">
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field">
<label for="map-phone">手机号列</label>
<select id="map-phone" name="phone_col">
{{#PHONE_COL_OPT}}
<option value="{{OPT_VALUE}}"{{#OPT_SELECTED}} selected{{/OPT_SELECTED}}>{{OPT_LABEL}}</option>
{{/PHONE_COL_OPT}}
</select>
</div>
<div class="field">
<label for="map-name">姓名列</label>
<select id="map-name" name="name_col">
{{#NAME_COL_OPT}}
<option value="{{OPT_VALUE}}"{{#OPT_SELECTED}} selected{{/OPT_SELECTED}}>{{OPT_LABEL}}</option>
{{/NAME_COL_OPT}}
</select>
</div>
<div class="form-actions">
<button type="submit" class="btn btn-secondary">重新识别</button>
</div>
</form>
</section>
{{/MAPPING}}
{{#CHOICES}}
<section class="card choices" aria-labelledby="choices-title">
<h2 id="choices-title">表头与工作表</h2>
{{#SHEET_FORM}}
<form method="post" action="{{CHOICE_ACTION}}" class="choice-form sheet-form">
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field">
<label for="choose-sheet">工作表</label>
<select id="choose-sheet" name="sheet">
{{#SHEET_OPT}}
<option value="{{OPT_VALUE}}"{{#OPT_SELECTED}} selected{{/OPT_SELECTED}}>{{OPT_LABEL}}</option>
{{/SHEET_OPT}}
</select>
</div>
<div class="form-actions">
<button type="submit" class="btn btn-secondary">切换工作表</button>
</div>
</form>
{{/SHEET_FORM}}
<form method="post" action="{{CHOICE_ACTION}}" class="choice-form header-form">
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field">
<label for="choose-header">表头所在的行</label>
<select id="choose-header" name="header_row">
{{#HEADER_OPT}}
<option value="{{OPT_VALUE}}"{{#OPT_SELECTED}} selected{{/OPT_SELECTED}}>{{OPT_LABEL}}</option>
{{/HEADER_OPT}}
</select>
<p class="field-hint">表头以上的行（标题、说明）不会当作数据；换了表头后，手机号列和姓名列会重新识别。</p>
</div>
<div class="form-actions">
<button type="submit" class="btn btn-secondary">使用该行作表头</button>
</div>
</form>
</section>
{{/CHOICES}}
</div>
{{#LIVE}}
{{#PURGED}}<div class="flash flash-muted" role="status">该名单的号码、姓名和其他列已于 {{PURGED_AT}} 按个人信息保留期限删除；统计数字和任务记录仍然保留。</div>{{/PURGED}}
{{#REVEALED}}<div class="flash flash-warn" role="status">正在显示完整号码。这次查看及其原因已记入审计日志；离开本页后号码重新脱敏。</div>{{/REVEALED}}
<section class="preview-table" aria-labelledby="sample-caption">
<div class="table-wrap" role="region" aria-labelledby="sample-caption" tabindex="0">
<table class="data-table">
<caption id="sample-caption" class="table-caption">有效号码示例{{#MASKED}}（已脱敏）{{/MASKED}}{{#REVEALED}}（完整号码）{{/REVEALED}}</caption>
<thead>
<tr><th scope="col" class="num col-narrow">行号</th><th scope="col">手机号</th><th scope="col">姓名</th><th scope="col">备注</th></tr>
</thead>
<tbody>
{{#SAMPLE}}
<tr>
<td class="num">{{SAMPLE_LINE}}</td>
<td class="nowrap"><code>{{SAMPLE_PHONE}}</code></td>
<td>{{SAMPLE_NAME}}</td>
<td class="other">{{SAMPLE_OTHER}}</td>
</tr>
{{/SAMPLE}}
{{#NO_SAMPLE}}
<tr><td colspan="4" class="empty">没有有效号码</td></tr>
{{/NO_SAMPLE}}
</tbody>
</table>
</div>
</section>
<section class="preview-table" aria-labelledby="bad-caption">
<div class="table-wrap" role="region" aria-labelledby="bad-caption" tabindex="0">
<table class="data-table">
<caption id="bad-caption" class="table-caption">无效与重复的行</caption>
<thead>
<tr><th scope="col" class="num col-narrow">行号</th><th scope="col">内容</th><th scope="col">原因</th></tr>
</thead>
<tbody>
{{#BAD}}
<tr>
<td class="num">{{BAD_LINE}}</td>
<td><code class="details">{{BAD_VALUE}}</code></td>
<td>{{BAD_REASON}}</td>
</tr>
{{/BAD}}
{{#NO_BAD}}
<tr><td colspan="3" class="empty">没有无效或重复的行</td></tr>
{{/NO_BAD}}
</tbody>
</table>
</div>
<div class="table-foot">
<nav class="pager" aria-label="无效与重复的行分页">
{{#BAD_PREV}}<a class="btn btn-secondary" href="{{BAD_PREV_HREF}}" rel="prev">上一页</a>{{/BAD_PREV}}
<span class="pager-current">{{BAD_PAGE}}</span>
{{#BAD_NEXT}}<a class="btn btn-secondary" href="{{BAD_NEXT_HREF}}" rel="next">下一页</a>{{/BAD_NEXT}}
</nav>
{{#ERRORS_CSV}}<a class="download-link" href="{{ERRORS_CSV_HREF}}" download>下载错误报告（CSV，已脱敏）</a>{{/ERRORS_CSV}}
</div>
</section>
{{#CAN_REVEAL}}
<section class="card reveal-card" aria-labelledby="reveal-title">
<h2 id="reveal-title">查看完整号码</h2>
<form method="post" action="{{REVEAL_ACTION}}" class="form-stack reveal-form">
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field">
<label for="reveal-reason">原因 <span class="field-req">必填</span></label>
<input id="reveal-reason" type="text" name="reason" maxlength="200" required autocomplete="off" aria-describedby="reveal-hint">
<p class="field-hint" id="reveal-hint">你有查看完整号码的权限。每次查看都连同原因记入审计日志。</p>
{{#REASON_ERROR}}<p class="field-error">{{TEXT}}</p>{{/REASON_ERROR}}
</div>
<div class="form-actions">
<button type="submit" class="btn btn-secondary">显示完整号码</button>
<button type="submit" class="btn btn-secondary" formaction="{{ERRORS_FULL_ACTION}}">下载含完整号码的错误报告</button>
</div>
</form>
</section>
{{/CAN_REVEAL}}
{{/LIVE}}
{{#CAN_CONFIRM}}
<section class="card confirm-bar" aria-labelledby="confirm-title">
<h2 id="confirm-title">确认发送</h2>
<p>确认后，{{VALID}} 个有效号码将分 {{BATCHES}} 批在后台发送给供应商；无效与重复的行不会发送。</p>
<div class="form-actions">
<form method="post" action="{{CONFIRM_ACTION}}">
<input type="hidden" name="csrf" value="{{CSRF}}">
<button type="submit" class="btn btn-primary">确认并发送</button>
</form>
<form method="post" action="{{CANCEL_ACTION}}">
<input type="hidden" name="csrf" value="{{CSRF}}">
<button type="submit" class="btn btn-secondary">取消</button>
</form>
</div>
</section>
{{/CAN_CONFIRM}}
{{#NO_VALID}}<p class="error">没有有效号码，无法发送。可以在上方改选手机号列，或<a href="/tasks/new">重新上传名单</a>。</p>{{/NO_VALID}}
