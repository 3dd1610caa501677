{{%AUTOESCAPE context="HTML"}}
{{! login.tpl: the sign-in card; CSRF and NEXT come back with the POST. }}
<section class="login-card card" aria-labelledby="login-title">
<h1 id="login-title">登录</h1>
{{#ERROR}}<p class="error" role="alert">{{ERROR_TEXT}}</p>{{/ERROR}}
<form method="post" action="/login" class="form-stack">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="next" value="{{NEXT}}">
<div class="field">
<label for="login-username">用户名</label>
<input id="login-username" type="text" name="username" value="{{USERNAME}}" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="64">
</div>
<div class="field">
<label for="login-password">密码</label>
<input id="login-password" type="password" name="password" autocomplete="current-password" required>
</div>
<button type="submit" class="btn btn-primary btn-block">登录</button>
</form>
</section>
