{{%AUTOESCAPE context="HTML"}}
{{! breakdown.tpl: the vendor's import figures of one task (included in task.tpl): what we sent against what the vendor imported, a chart of the total, and each batch's 13 figures. }}
{{! A row without figures (waiting, or the import failed) shows ROW_NOFIGS: one cell over the 13 figure columns says why. A row with figures shows ROW_FIGS: its 13 cells, N0..N12 the counts in push.h's order and P1..P12 their shares of N0, variables of the row (page_task.c). }}
<section class="breakdown" aria-labelledby="breakdown-title">
<div class="section-head">
<h2 id="breakdown-title">供应商导入结果</h2>
{{#EXPORTS}}
<div class="export-links" role="group" aria-label="导出导入结果">
<a class="btn btn-secondary btn-small" href="{{BREAKDOWN_CSV_HREF}}">导出 CSV</a>
<a class="btn btn-secondary btn-small" href="{{BREAKDOWN_XLSX_HREF}}">导出 Excel</a>
</div>
{{/EXPORTS}}
</div>
{{#NO_PUSH_YET}}<p class="flash flash-muted">所有批次都在等待供应商推送导入结果。</p>{{/NO_PUSH_YET}}
<div class="preview-columns">
{{#COMPARE}}
<section class="card compare-card" aria-labelledby="compare-title">
<h3 id="compare-title">发送与导入对照</h3>
<div class="compare-groups">
<dl class="ledger">
<div><dt>本地预检有效</dt><dd>{{LOCAL_VALID}}</dd></div>
<div><dt>本地预检无效</dt><dd>{{LOCAL_INVALID}}</dd></div>
<div><dt>本地预检重复</dt><dd>{{LOCAL_DUPLICATES}}</dd></div>
</dl>
<dl class="ledger">
<div class="ledger-key"><dt>已发送号码</dt><dd>{{SENT_ROWS}}</dd></div>
<div class="ledger-key"><dt>供应商导入总数</dt><dd>{{VENDOR_TOTAL}}</dd></div>
<div><dt>供应商导入成功</dt><dd>{{VENDOR_SUCCESS}}</dd></div>
</dl>
<dl class="ledger ledger-dnc">
<div><dt>免打扰（本地排除）</dt><dd>{{LOCAL_DNC}}</dd></div>
<div><dt>黑名单（供应商）</dt><dd>{{VENDOR_BLACKLIST}}</dd></div>
<div><dt>近期已发送（本地）</dt><dd>{{LOCAL_RECENT}}</dd></div>
</dl>
</div>
<p class="compare-diff{{#DIFF_WARN}} compare-diff-warn{{/DIFF_WARN}}">{{#DIFF_WARN}}<span class="visually-hidden">注意：</span>{{/DIFF_WARN}}{{DIFF_TEXT}}</p>
</section>
{{/COMPARE}}
<section class="card chart-card" aria-labelledby="breakdown-chart-title">
<h3 id="breakdown-chart-title">全部批次合计</h3>
{{>CHART}}
</section>
</div>
<div class="table-wrap" role="region" aria-labelledby="import-caption" tabindex="0">
<table class="data-table import-table">
<caption id="import-caption" class="table-caption">各批次导入明细，数量与占导入总数的比例</caption>
<thead>
<tr><th scope="col" class="import-label">批次</th><th scope="col">状态</th>{{#COL}}<th scope="col" class="num">{{COL_LABEL}}</th>{{/COL}}</tr>
</thead>
<tbody>
{{#IMPORT_ROW}}
<tr{{#ROW_IS_TOTAL}} class="import-total"{{/ROW_IS_TOTAL}}>
<th scope="row" class="import-label">{{ROW_LABEL}}</th>
<td class="import-state-cell">
<span class="badge import-state{{#ROW_WAITING}} import-state-waiting{{/ROW_WAITING}}{{#ROW_FAILED}} import-state-failed{{/ROW_FAILED}}">{{ROW_STATE}}</span>
{{#ROW_HISTORY}}<span class="import-history">{{HISTORY_TEXT}}</span>{{/ROW_HISTORY}}
</td>
{{#ROW_NOFIGS}}
<td colspan="13" class="import-nofigs{{#ROW_FAILED}} import-nofigs-failed{{/ROW_FAILED}}">{{#ROW_WAITING}}{{WAIT_TEXT}}{{/ROW_WAITING}}{{#ROW_FAILED}}供应商返回的原因：<span class="fail-reason">{{FAIL_REASON}}</span>{{/ROW_FAILED}}</td>
{{/ROW_NOFIGS}}
{{#ROW_FIGS}}
<td class="num"><span class="cell-count">{{N0}}</span><span class="cell-pct">{{P0}}</span></td>
<td class="num"><span class="cell-count">{{N1}}</span><span class="cell-pct">{{P1}}</span></td>
<td class="num"><span class="cell-count">{{N2}}</span><span class="cell-pct">{{P2}}</span></td>
<td class="num"><span class="cell-count">{{N3}}</span><span class="cell-pct">{{P3}}</span></td>
<td class="num"><span class="cell-count">{{N4}}</span><span class="cell-pct">{{P4}}</span></td>
<td class="num"><span class="cell-count">{{N5}}</span><span class="cell-pct">{{P5}}</span></td>
<td class="num"><span class="cell-count">{{N6}}</span><span class="cell-pct">{{P6}}</span></td>
<td class="num"><span class="cell-count">{{N7}}</span><span class="cell-pct">{{P7}}</span></td>
<td class="num"><span class="cell-count">{{N8}}</span><span class="cell-pct">{{P8}}</span></td>
<td class="num"><span class="cell-count">{{N9}}</span><span class="cell-pct">{{P9}}</span></td>
<td class="num"><span class="cell-count">{{N10}}</span><span class="cell-pct">{{P10}}</span></td>
<td class="num"><span class="cell-count">{{N11}}</span><span class="cell-pct">{{P11}}</span></td>
<td class="num"><span class="cell-count">{{N12}}</span><span class="cell-pct">{{P12}}</span></td>
{{/ROW_FIGS}}
</tr>
{{/IMPORT_ROW}}
</tbody>
</table>
</div>
</section>
