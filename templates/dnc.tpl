{{%AUTOESCAPE context="HTML"}}
{{! dnc.tpl: the do-not-call list: its entries (masked, paged by key), the exact search, and for administrators the forms that add one number, upload a list and remove an entry. Cells carry no class: the columns' looks are in style.css (.dnc-table td:nth-child), once. }}
<div class="page-head">
<h1>免打扰名单</h1>
<p class="lead">名单中的号码在每次上传名单时被排除，不会发给供应商；过了有效期的号码不再排除。共 {{TOTAL}} 个号码。</p>
</div>
{{#FLASH}}<div class="flash flash-ok" role="status">{{TEXT}}</div>{{/FLASH}}
{{#PAGE_ERROR}}<p class="error" role="alert">{{TEXT}}</p>{{/PAGE_ERROR}}
<section class="card" aria-labelledby="dnc-search-title">
<h2 id="dnc-search-title">查询号码</h2>
<form method="post" action="/dnc/search" class="form-stack dnc-search">
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field">
<label for="dnc-q">手机号</label>
<input id="dnc-q" type="text" name="phone" inputmode="tel" autocomplete="off" maxlength="40" required aria-describedby="dnc-q-hint">
<p class="field-hint" id="dnc-q-hint">只能按完整号码精确查询：名单只保存号码的密钥散列和打码形式，无法按号码的一部分搜索。</p>
</div>
<div class="form-actions"><button type="submit" class="btn">查询</button></div>
</form>
{{#SEARCH_HIT}}<p class="flash flash-ok" role="status" id="dnc-result">{{MASKED}} 在免打扰名单中{{#HIT_REASON}}（原因：{{REASON}}）{{/HIT_REASON}}{{#HIT_EXPIRES}}，有效期至 {{EXPIRES}}{{/HIT_EXPIRES}}{{#HIT_EXPIRED}}，已过有效期，不再排除{{/HIT_EXPIRED}}。</p>{{/SEARCH_HIT}}
{{#SEARCH_MISS}}<p class="flash" role="status" id="dnc-result">{{MASKED}} 不在免打扰名单中。</p>{{/SEARCH_MISS}}
{{#SEARCH_ERROR}}<p class="error" role="alert" id="dnc-result">{{TEXT}}</p>{{/SEARCH_ERROR}}
</section>
{{#CAN_EDIT}}
<section class="card" aria-labelledby="dnc-add-title">
<h2 id="dnc-add-title">添加号码</h2>
{{#ADD_ERROR}}<p class="error" role="alert">{{TEXT}}</p>{{/ADD_ERROR}}
<form method="post" action="/dnc/add" class="form-stack dnc-add">
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field">
<label for="dnc-phone">手机号 <span class="field-req">必填</span></label>
<input id="dnc-phone" type="text" name="phone" inputmode="tel" autocomplete="off" maxlength="40" required aria-describedby="dnc-phone-hint">
<p class="field-hint" id="dnc-phone-hint">与名单里的号码一样识别：135 0000 0001、+86…、0086-…、全角数字都可以。</p>
</div>
<div class="field">
<label for="dnc-reason">原因</label>
<input id="dnc-reason" type="text" name="reason" value="{{REASON_VALUE}}" maxlength="200" aria-describedby="dnc-reason-hint">
<p class="field-hint" id="dnc-reason-hint">选填，2 到 200 个字，例如“客户投诉”。</p>
</div>
<div class="field">
<label for="dnc-expires">有效期至</label>
<input id="dnc-expires" type="date" name="expires" value="{{EXPIRES_VALUE}}" aria-describedby="dnc-expires-hint">
<p class="field-hint" id="dnc-expires-hint">选填；留空为长期有效。当天仍然排除，次日起不再排除。</p>
</div>
<div class="form-actions"><button type="submit" class="btn btn-primary">加入免打扰名单</button></div>
</form>
</section>
<section class="card" aria-labelledby="dnc-upload-title">
<h2 id="dnc-upload-title">批量上传</h2>
{{#UPLOAD_RESULT}}
<div class="flash flash-ok" role="status" id="dnc-upload-result">已读取 {{ROWS}} 行：新加入 {{ADDED}} 个，已在名单中 {{ALREADY}} 个，无效 {{INVALID}} 个。</div>
{{#UPLOAD_BAD_LIST}}
<div class="table-wrap" role="region" aria-label="无效的行" tabindex="0">
<table class="data-table">
<thead><tr><th scope="col" class="num">行号</th><th scope="col">号码</th><th scope="col">原因</th></tr></thead>
<tbody>
{{#UPLOAD_BAD}}<tr><td class="num">{{LINE}}</td><td>{{CELL}}</td><td>{{WHY}}</td></tr>{{/UPLOAD_BAD}}
</tbody>
</table>
</div>
{{#UPLOAD_BAD_MORE}}<p class="field-hint">只列出前 {{SHOWN}} 个无效行。</p>{{/UPLOAD_BAD_MORE}}
{{/UPLOAD_BAD_LIST}}
{{/UPLOAD_RESULT}}
{{#UPLOAD_ERROR}}<p class="error" role="alert">{{TEXT}}</p>{{/UPLOAD_ERROR}}
<form method="post" action="/dnc/upload" enctype="multipart/form-data" class="form-stack dnc-upload">
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field">
<label for="dnc-list">号码文件 <span class="field-req">必填</span></label>
<input id="dnc-list" type="file" name="list" accept=".csv,.txt,.xlsx" required aria-describedby="dnc-list-hint">
<p class="field-hint" id="dnc-list-hint">CSV 或 Excel .xlsx，每行一个号码（与呼叫名单相同的读取规则）；直接加入，无效的行列在结果中。</p>
</div>
<div class="field">
<label for="dnc-up-reason">原因</label>
<input id="dnc-up-reason" type="text" name="reason" maxlength="200">
</div>
<div class="field">
<label for="dnc-up-expires">有效期至</label>
<input id="dnc-up-expires" type="date" name="expires">
</div>
<div class="form-actions"><button type="submit" class="btn">上传并加入</button></div>
</form>
</section>
{{/CAN_EDIT}}
<section aria-labelledby="dnc-list-title">
<h2 id="dnc-list-title">名单 <a class="btn btn-small" href="/dnc.csv">导出 CSV</a></h2>
{{#NO_ENTRY}}<p class="empty">名单是空的。</p>{{/NO_ENTRY}}
{{#HAS_ENTRIES}}
{{! One form and one CSRF token for every row's 移除: each button names it (form=) and posts to its own entry (formaction=). }}
{{#CAN_EDIT_COL}}<form id="dnc-remove" method="post"><input type="hidden" name="csrf" value="{{CSRF}}"></form>{{/CAN_EDIT_COL}}
<div class="table-wrap" role="region" aria-labelledby="dnc-list-title" tabindex="0">
<table class="data-table dnc-table">
<thead>
<tr><th scope="col">号码</th><th scope="col">原因</th><th scope="col">有效期至</th><th scope="col">添加人</th><th scope="col">添加时间</th>{{#CAN_EDIT_COL}}<th scope="col">操作</th>{{/CAN_EDIT_COL}}</tr>
</thead>
<tbody>
{{#ENTRY}}
<tr id="dnc-{{E_ID}}">
<td>{{E_MASKED}}</td>
<td>{{E_REASON}}</td>
<td>{{E_EXPIRES}}{{#E_EXPIRED}} <span class="badge badge-cancelled">已过期</span>{{/E_EXPIRED}}</td>
<td>{{E_BY}}</td>
<td>{{E_AT}}</td>
{{#E_REMOVE}}<td><button form="dnc-remove" formaction="/dnc/{{E_ID}}/remove" class="btn btn-small btn-danger">移除</button></td>{{/E_REMOVE}}
</tr>
{{/ENTRY}}
</tbody>
</table>
</div>
{{/HAS_ENTRIES}}
<nav class="pager" aria-label="免打扰名单分页">
{{#FIRST}}<a class="btn btn-secondary" href="{{FIRST_HREF}}">最新</a>{{/FIRST}}
{{#PREV}}<a class="btn btn-secondary" href="{{PREV_HREF}}" rel="prev">上一页</a>{{/PREV}}
{{#NEXT}}<a class="btn btn-secondary" href="{{NEXT_HREF}}" rel="next">下一页</a>{{/NEXT}}
</nav>
</section>
