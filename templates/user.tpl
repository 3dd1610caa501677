{{%AUTOESCAPE context="HTML"}}
{{! user.tpl: one account for administrators: its facts and one small form per change (role, state, password, sessions, vendor login). }}
<div class="page-head">
<h1 class="title-with-badge"><span>用户 {{U_NAME}}</span> <span class="badge badge-{{U_STATE_CLASS}}">{{U_STATE}}</span></h1>
<p class="lead"><a href="/users">返回用户列表</a></p>
</div>
{{#NOTICE}}<div class="flash flash-{{KIND}}" role="status">{{TEXT}}</div>{{/NOTICE}}
<section class="card">
<dl class="param-list">
<div><dt>角色</dt><dd>{{U_ROLE}}</dd></div>
<div><dt>上次登录</dt><dd>{{U_LAST_LOGIN}}{{#U_LAST_ADDR}}（{{ADDR}}）{{/U_LAST_ADDR}}</dd></div>
<div><dt>在线会话</dt><dd>{{U_SESSIONS}}</dd></div>
<div><dt>供应商账号</dt><dd>{{U_VENDOR_LOGIN}}</dd></div>
<div><dt>首次登录须改密码</dt><dd>{{U_MUST_CHANGE}}</dd></div>
<div><dt>号码权限</dt><dd>{{U_PHONES}}</dd></div>
</dl>
</section>
<div class="card-grid user-actions">
<section class="card" aria-labelledby="role-title">
<h2 id="role-title">角色</h2>
<form method="post" action="/users/{{U_ID}}/role" class="form-stack">
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field"><label for="u-role">角色</label>
<select id="u-role" name="role">
{{#ROLE_OPT}}<option value="{{OPT_VALUE}}"{{#OPT_SELECTED}} selected{{/OPT_SELECTED}}>{{OPT_LABEL}}</option>{{/ROLE_OPT}}
</select></div>
<p class="field-hint">修改后该用户的会话结束，下次登录时生效。</p>
<div class="form-actions"><button type="submit" class="btn btn-primary">修改角色</button></div>
</form>
</section>
<section class="card" aria-labelledby="state-title">
<h2 id="state-title">启用 / 停用</h2>
<form method="post" action="/users/{{U_ID}}/state" class="form-stack">
<input type="hidden" name="csrf" value="{{CSRF}}">
{{#CAN_DISABLE}}<input type="hidden" name="disable" value="1"><p class="field-hint">停用后该用户不能登录，现有会话立即结束。</p><div class="form-actions"><button type="submit" class="btn btn-danger">停用账号</button></div>{{/CAN_DISABLE}}
{{#CAN_ENABLE}}<input type="hidden" name="disable" value="0"><div class="form-actions"><button type="submit" class="btn btn-primary">启用账号</button></div>{{/CAN_ENABLE}}
{{#IS_SELF}}<p class="field-hint">这是你自己的账号，不能停用。</p>{{/IS_SELF}}
</form>
</section>
<section class="card" aria-labelledby="pw-title">
<h2 id="pw-title">重置密码</h2>
<form method="post" action="/users/{{U_ID}}/password" class="form-stack">
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field"><label for="u-password">新密码</label>
<input id="u-password" type="password" name="password" autocomplete="new-password" aria-describedby="u-password-hint">
<p class="field-hint" id="u-password-hint">至少 {{MIN_LENGTH}} 个字符；留空并勾选“由系统生成”则生成一个。该用户的会话全部结束。</p></div>
<label class="check"><input type="checkbox" name="generate" value="1"> 由系统生成密码（只显示一次）</label>
<label class="check"><input type="checkbox" name="must_change" value="1" checked> 下次登录时必须修改密码</label>
<div class="form-actions"><button type="submit" class="btn btn-primary">重置密码</button></div>
</form>
</section>
<section class="card" aria-labelledby="sess-title">
<h2 id="sess-title">会话</h2>
<form method="post" action="/users/{{U_ID}}/sessions" class="form-stack">
<input type="hidden" name="csrf" value="{{CSRF}}">
<p class="field-hint">结束该用户所有设备上的登录。</p>
<div class="form-actions"><button type="submit" class="btn btn-secondary">结束全部会话</button></div>
</form>
</section>
<section class="card" aria-labelledby="phones-title">
<h2 id="phones-title">查看完整号码</h2>
<form method="post" action="/users/{{U_ID}}/phones" class="form-stack">
<input type="hidden" name="csrf" value="{{CSRF}}">
<p class="field-hint">没有这项权限时，所有页面和报告中的号码都显示为掩码（135****0001）。有权限时，每次查看完整号码都须填写原因，并记入审计日志。</p>
{{#PHONES_OFF}}<input type="hidden" name="may_see_phones" value="1"><div class="form-actions"><button type="submit" class="btn btn-primary">允许查看完整号码</button></div>{{/PHONES_OFF}}
{{#PHONES_ON}}<input type="hidden" name="may_see_phones" value="0"><div class="form-actions"><button type="submit" class="btn btn-secondary">取消该权限</button></div>{{/PHONES_ON}}
</form>
</section>
<section class="card" aria-labelledby="vl-title">
<h2 id="vl-title">供应商账号</h2>
<form method="post" action="/users/{{U_ID}}/vendor-login" class="form-stack">
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field"><label for="u-vendor-login">供应商账号（loginName）</label>
<input id="u-vendor-login" type="text" name="vendor_login" value="{{U_VENDOR_LOGIN_VALUE}}" maxlength="64" autocomplete="off" spellcheck="false" aria-describedby="u-vl-hint">
<p class="field-hint" id="u-vl-hint">该用户的任务以这个供应商账号发送；留空则使用设置中的 login_name。</p></div>
<div class="form-actions"><button type="submit" class="btn btn-primary">保存</button></div>
</form>
</section>
</div>
