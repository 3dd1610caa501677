{{%AUTOESCAPE context="HTML"}}
{{! password_once.tpl: a password the system generated, shown this once and never stored or logged in clear. }}
<div class="page-head">
<h1>{{HEADING}}</h1>
</div>
<section class="card" aria-labelledby="pw-title">
<h2 id="pw-title">用户 {{USER_NAME}} 的密码</h2>
<p class="generated-password"><code id="generated-password">{{PASSWORD}}</code></p>
<p class="flash flash-warn">这个密码只显示这一次，系统不保存明文。请现在通过安全的方式交给本人{{#MUST_CHANGE}}，对方首次登录时须改成自己的密码{{/MUST_CHANGE}}。</p>
<p><a class="btn btn-secondary" href="/users/{{USER_ID}}">返回用户页面</a> <a class="btn btn-secondary" href="/users">用户列表</a></p>
</section>
