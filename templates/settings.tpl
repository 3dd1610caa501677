{{%AUTOESCAPE context="HTML"}}
{{! settings.tpl: the settings in force and where each comes from; for administrators the form that changes the vendor settings (secrets only replaced, never shown), for auditors the same without forms; the latest changes below. }}
{{! The callback address holds its secret token: administrators only, hidden when printed. }}
<div class="page-head">
<h1>系统设置</h1>
<p class="lead">供应商设置可在本页修改，保存后立即生效，无需重启；在本页修改之前，使用配置文件中的值。其余配置只来自配置文件。</p>
</div>
{{#SAVED}}<p class="flash flash-ok" role="status">已保存 {{COUNT}} 项修改，已立即生效。</p>{{/SAVED}}
{{#UNCHANGED}}<p class="flash flash-muted" role="status">没有任何变化，未保存。</p>{{/UNCHANGED}}
{{#REFUSED}}<p class="flash flash-error" role="alert">有 {{COUNT}} 项设置不正确，未保存任何修改。请按各项旁的提示修改后重新提交。</p>{{/REFUSED}}
<section class="card callback-card" aria-labelledby="callback-title">
<h2 id="callback-title">供应商回调地址</h2>
{{#CALLBACK_ON}}
<p class="callback-url-line"><code class="callback-url">{{CALLBACK_URL}}</code><span class="print-only">（地址中含有密钥，打印时不显示）</span></p>
<p class="field-hint">请把这个地址提供给供应商，作为异步导入推送的回调地址。地址中含有密钥，请勿外传。</p>
{{/CALLBACK_ON}}
{{#CALLBACK_HIDDEN}}<p class="field-hint">回调接口已开启。地址中含有密钥，只有管理员可以查看。</p>{{/CALLBACK_HIDDEN}}
{{#CALLBACK_OFF}}<p class="flash flash-warn callback-off">未配置 callback_token，回调接口已关闭。</p>{{/CALLBACK_OFF}}
</section>
<section class="card settings-card" aria-labelledby="settings-title">
<h2 id="settings-title">供应商设置</h2>
{{#FORM}}<form method="post" action="/settings" class="settings-form" novalidate>
<input type="hidden" name="csrf" value="{{CSRF}}">{{/FORM}}
<dl class="param-list settings-list">
{{#SETTING}}
<div class="setting-row" id="setting-{{SETTING_KEY}}">
<dt><span class="setting-label">{{SETTING_LABEL}}</span><code class="setting-key">{{SETTING_KEY}}</code></dt><dd>{{SETTING_VALUE}}</dd>
<dd class="setting-source">{{SETTING_SOURCE}}</dd>
{{#INPUT_TEXT}}<dd class="setting-input"><label class="visually-hidden" for="f-{{SETTING_KEY}}">{{SETTING_LABEL}}</label><input id="f-{{SETTING_KEY}}" type="text" name="{{SETTING_KEY}}" value="{{INPUT_VALUE}}" autocomplete="off" spellcheck="false"{{#INPUT_BAD}} aria-invalid="true" aria-describedby="e-{{SETTING_KEY}}"{{/INPUT_BAD}}></dd>{{/INPUT_TEXT}}
{{#INPUT_NUMBER}}<dd class="setting-input"><label class="visually-hidden" for="f-{{SETTING_KEY}}">{{SETTING_LABEL}}</label><input id="f-{{SETTING_KEY}}" type="text" inputmode="numeric" name="{{SETTING_KEY}}" value="{{INPUT_VALUE}}" autocomplete="off"{{#INPUT_BAD}} aria-invalid="true" aria-describedby="e-{{SETTING_KEY}}"{{/INPUT_BAD}}></dd>{{/INPUT_NUMBER}}
{{#INPUT_CHOICE}}<dd class="setting-input"><label class="visually-hidden" for="f-{{SETTING_KEY}}">{{SETTING_LABEL}}</label><select id="f-{{SETTING_KEY}}" name="{{SETTING_KEY}}"{{#INPUT_BAD}} aria-invalid="true" aria-describedby="e-{{SETTING_KEY}}"{{/INPUT_BAD}}>
{{#OPT}}<option value="{{OPT_VALUE}}"{{#OPT_SELECTED}} selected{{/OPT_SELECTED}}>{{OPT_LABEL}}</option>{{/OPT}}
</select></dd>{{/INPUT_CHOICE}}
{{#INPUT_SECRET}}<dd class="setting-input"><label class="visually-hidden" for="f-{{SETTING_KEY}}">新的{{SETTING_LABEL}}</label><input id="f-{{SETTING_KEY}}" type="password" name="{{SETTING_KEY}}" value="" placeholder="输入新值以更换；留空则保持不变" autocomplete="new-password"{{#INPUT_BAD}} aria-invalid="true" aria-describedby="e-{{SETTING_KEY}}"{{/INPUT_BAD}}>
{{#CLEAR}}<label class="check"><input type="checkbox" name="{{SETTING_KEY}}_clear" value="1"{{#CLEAR_CHECKED}} checked{{/CLEAR_CHECKED}}> 清除</label>{{/CLEAR}}</dd>{{/INPUT_SECRET}}
{{#HINT}}<dd class="field-hint">{{TEXT}}</dd>{{/HINT}}
{{#ERROR}}<dd class="field-error" id="e-{{SETTING_KEY}}">{{TEXT}}{{#DETAIL}}<span class="setting-error-detail">（配置文件的说法：{{EN}}）</span>{{/DETAIL}}</dd>{{/ERROR}}
</div>
{{/SETTING}}
</dl>
{{#FORM}}<div class="form-actions"><button type="submit" class="btn btn-primary">保存修改</button><a class="btn" href="/settings/preview">预览下一批请求</a></div>
</form>{{/FORM}}
</section>
<section class="card settings-card" aria-labelledby="file-settings-title">
<h2 id="file-settings-title">其他配置（只来自配置文件）</h2>
<dl class="param-list settings-list">
{{#FILE_SETTING}}
<div><dt><span class="setting-label">{{SETTING_LABEL}}</span><code class="setting-key">{{SETTING_KEY}}</code></dt><dd>{{SETTING_VALUE}}</dd></div>
{{/FILE_SETTING}}
</dl>
</section>
<section class="card settings-history" aria-labelledby="history-title">
<h2 id="history-title">修改记录（最近 {{HISTORY_LIMIT}} 次）</h2>
{{#NO_HISTORY}}<p class="field-hint">还没有在本页修改过设置：全部使用配置文件中的值。</p>{{/NO_HISTORY}}
{{#HISTORY}}
<div class="table-wrap" role="region" aria-labelledby="history-title" tabindex="0">
<table class="data-table settings-history-table">
<thead><tr><th scope="col">时间</th><th scope="col">修改人</th><th scope="col">配置项</th><th scope="col">修改</th></tr></thead>
<tbody>
{{#CHANGE}}
<tr><td class="nowrap">{{TIME}}</td><td>{{WHO}}</td><td>{{LABEL}} <code class="setting-key">{{KEY}}</code></td><td>{{#PLAIN}}<span class="setting-old">{{OLD}}</span> → <span class="setting-new">{{NEW}}</span>{{/PLAIN}}{{#SECRET}}{{WHAT}}{{/SECRET}}</td></tr>
{{/CHANGE}}
</tbody>
</table>
</div>
{{/HISTORY}}
</section>
