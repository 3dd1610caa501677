{{%AUTOESCAPE context="HTML"}}
{{! nav.tpl: the main navigation a role sees, its current entry marked; expanded once per worker, role and entry, and kept (ui.c). }}
<nav class="main-nav" aria-label="主导航">
<ul>
{{#NAV}}
<li><a href="{{LINK_HREF}}"{{#LINK_CURRENT}} class="current" aria-current="page"{{/LINK_CURRENT}}>{{LINK_LABEL}}</a></li>
{{/NAV}}
</ul>
</nav>
