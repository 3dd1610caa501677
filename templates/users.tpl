{{%AUTOESCAPE context="HTML"}}
{{! users.tpl: for administrators: every account with its role, state and last sign-in, and the form that creates one. The columns' looks are in style.css (.users-table td:nth-child), once. }}
<div class="page-head">
<h1>用户管理</h1>
<p class="lead">账号、角色与登录情况。每次修改都记入审计日志。</p>
</div>
{{#CREATED}}
<div class="flash flash-ok" role="status">已创建用户 {{CREATED_NAME}}（{{CREATED_ROLE}}）。</div>
{{/CREATED}}
<div class="table-wrap" role="region" aria-labelledby="users-caption" tabindex="0">
<table class="data-table users-table">
<caption id="users-caption" class="visually-hidden">全部用户</caption>
<thead>
<tr><th scope="col">用户名</th><th scope="col">角色</th><th scope="col">状态</th><th scope="col">上次登录</th><th scope="col">供应商账号</th><th scope="col">号码权限</th><th scope="col" class="num">在线会话</th></tr>
</thead>
<tbody>
{{#USER_ROW}}
<tr id="user-{{U_ID}}">
<td><a href="/users/{{U_ID}}">{{U_NAME}}</a>{{#U_SELF}} <span class="field-hint">（我）</span>{{/U_SELF}}</td>
<td>{{U_ROLE}}</td>
<td><span class="badge badge-{{U_STATE_CLASS}}">{{U_STATE}}</span>{{#U_MUST_CHANGE}} <span class="badge badge-attention">须改密码</span>{{/U_MUST_CHANGE}}</td>
<td>{{U_LAST_LOGIN}}{{#U_LAST_ADDR}}<br><span class="field-hint">{{ADDR}}</span>{{/U_LAST_ADDR}}</td>
<td>{{U_VENDOR_LOGIN}}</td>
<td>{{U_PHONES}}</td>
<td>{{U_SESSIONS}}</td>
</tr>
{{/USER_ROW}}
</tbody>
</table>
</div>
<section class="card" aria-labelledby="new-user-title">
<h2 id="new-user-title">新建用户</h2>
{{#FORM_ERROR}}<p class="error" role="alert">{{TEXT}}</p>{{/FORM_ERROR}}
<form method="post" action="/users" class="form-stack user-form">
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field">
<label for="nu-username">用户名 <span class="field-req">必填</span></label>
<input id="nu-username" type="text" name="username" value="{{USERNAME_VALUE}}" maxlength="32" autocomplete="off" autocapitalize="none" spellcheck="false" required aria-describedby="nu-username-hint">
<p class="field-hint" id="nu-username-hint">1 到 32 个小写字母、数字或 _ . -，以字母开头。</p>
</div>
<div class="field">
<label for="nu-role">角色</label>
<select id="nu-role" name="role">
{{#ROLE_OPT}}<option value="{{OPT_VALUE}}"{{#OPT_SELECTED}} selected{{/OPT_SELECTED}}>{{OPT_LABEL}}</option>{{/ROLE_OPT}}
</select>
</div>
<div class="field">
<label for="nu-password">初始密码</label>
<input id="nu-password" type="password" name="password" autocomplete="new-password" aria-describedby="nu-password-hint">
<p class="field-hint" id="nu-password-hint">至少 {{MIN_LENGTH}} 个字符，不要求字符种类；常见密码会被拒绝。留空并勾选下面一项则由系统生成。</p>
</div>
<label class="check"><input type="checkbox" name="generate" value="1"{{#GENERATE_CHECKED}} checked{{/GENERATE_CHECKED}}> 由系统生成密码（只显示一次）</label>
<label class="check"><input type="checkbox" name="must_change" value="1"{{#MUST_CHANGE_CHECKED}} checked{{/MUST_CHANGE_CHECKED}}> 首次登录时必须修改密码</label>
<div class="form-actions"><button type="submit" class="btn btn-primary">创建用户</button></div>
</form>
</section>
