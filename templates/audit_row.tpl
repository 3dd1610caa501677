{{%AUTOESCAPE context="HTML"}}
{{! audit_row.tpl: one entry of the audit log, made once per entry and kept by the worker (entries never change). }}
<tr id="audit-{{ROW_ID}}">
<td class="nowrap">{{ROW_TIME}}</td>
<td>{{ROW_ACTOR}}</td>
<td class="nowrap" title="{{ROW_UA}}">{{ROW_ADDR}}</td>
<td><span class="action-label">{{ROW_ACTION_LABEL}}</span> <code class="action-code">{{ROW_ACTION}}</code></td>
<td>{{ROW_OBJECT}}</td>
<td><code class="details">{{ROW_DETAILS}}</code></td>
<td><code class="hash" title="{{ROW_HASH}}">{{ROW_HASH_SHORT}}</code></td>
</tr>
