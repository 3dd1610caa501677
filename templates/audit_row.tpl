{{%AUTOESCAPE context="HTML"}}
{{! audit_row.tpl: one entry of the audit log, made once per entry and kept by the worker (entries never change). }}
<tr id="audit-{{ROW_ID}}">
<td class="nowrap">{{ROW_TIME}}</td>
<td>{{ROW_ACTOR}}</td>
<td class="nowrap" title="{{ROW_UA}}">{{ROW_ADDR}}</td>
<td><span class="action-label">{{ROW_ACTION_LABEL}}</span> <code class="action-code">{{ROW_ACTION}}</code></td>
<td>{{ROW_OBJECT}}</td>
<td class="details-cell">{{#DETAIL}}<span class="detail"><span class="detail-label" title="{{DETAIL_KEY}}">{{DETAIL_LABEL}}</span>：<span class="detail-value">{{DETAIL_VALUE}}</span></span>{{/DETAIL}}</td>
<td><code class="hash" title="{{ROW_HASH}}">{{ROW_HASH_SHORT}}</code></td>
</tr>
