{{%AUTOESCAPE context="HTML"}}
{{! account.tpl: every signed-in user's own account: change the password (old one required) and see or end the other sessions. }}
<div class="page-head">
<h1>我的账号</h1>
<p class="lead">{{USER_NAME}} · {{ROLE_NAME}}</p>
</div>
{{#MUST_CHANGE}}<div class="flash flash-warn" role="alert">管理员要求你先设置自己的密码，之后才能使用其他页面。</div>{{/MUST_CHANGE}}
{{#NOTICE}}<div class="flash flash-{{KIND}}" role="status">{{TEXT}}</div>{{/NOTICE}}
<section class="card" aria-labelledby="pw-title">
<h2 id="pw-title">修改密码</h2>
<form method="post" action="/account/password" class="form-stack account-form">
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field"><label for="a-old">当前密码</label>
<input id="a-old" type="password" name="old_password" autocomplete="current-password" required>
{{#OLD_ERROR}}<p class="field-error">{{TEXT}}</p>{{/OLD_ERROR}}</div>
<div class="field"><label for="a-new">新密码</label>
<input id="a-new" type="password" name="password" autocomplete="new-password" required aria-describedby="a-new-hint">
<p class="field-hint" id="a-new-hint">至少 {{MIN_LENGTH}} 个字符，不要求字符种类；可以用一句话。常见或有规律的密码会被拒绝。</p>
{{#NEW_ERROR}}<p class="field-error">{{TEXT}}</p>{{/NEW_ERROR}}</div>
<div class="field"><label for="a-again">再输入一次新密码</label>
<input id="a-again" type="password" name="password2" autocomplete="new-password" required>
{{#AGAIN_ERROR}}<p class="field-error">{{TEXT}}</p>{{/AGAIN_ERROR}}</div>
<p class="field-hint">修改后，你在其他设备上的登录会结束。</p>
<div class="form-actions"><button type="submit" class="btn btn-primary">修改密码</button></div>
</form>
</section>
<section class="card" aria-labelledby="sess-title">
<h2 id="sess-title">登录的设备</h2>
<div class="table-wrap" role="region" aria-labelledby="sess-title" tabindex="0">
<table class="data-table sessions-table">
<thead><tr><th scope="col">设备</th><th scope="col">地址</th><th scope="col">登录时间</th><th scope="col">最近活动</th></tr></thead>
<tbody>
{{#SESSION}}
<tr><td class="session-device">{{S_DEVICE}}{{#S_CURRENT}} <span class="badge badge-sent">当前</span>{{/S_CURRENT}}</td><td>{{S_ADDR}}</td><td class="nowrap">{{S_CREATED}}</td><td class="nowrap">{{S_LAST_SEEN}}</td></tr>
{{/SESSION}}
</tbody>
</table>
</div>
{{#HAS_OTHERS}}
<form method="post" action="/account/sessions" class="form-actions">
<input type="hidden" name="csrf" value="{{CSRF}}">
<button type="submit" class="btn btn-secondary">结束其他设备上的登录</button>
</form>
{{/HAS_OTHERS}}
</section>
