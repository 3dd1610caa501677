{{%AUTOESCAPE context="HTML"}}
{{! chart.tpl: a horizontal bar chart drawn by the server as inline SVG (src/chart.c computes every coordinate), readable without script. }}
{{! Each bar also says its count and share in words, so colour is never the only cue; colours are CSS classes (style.css) so that print rules reach them. }}
{{! Type is 14 viewBox units (style.css): chart.c reserves the label column left of BAR_X and the value text's room right of the longest bar with that size in mind. }}
{{! When there is nothing to draw, EMPTY_CHART shows its TEXT and style.css hides the empty drawing that follows it. }}
<div class="chart-box" role="region" aria-labelledby="{{CHART_ID}}-t" tabindex="0">
{{#EMPTY_CHART}}<p class="chart-empty">{{TEXT}}</p>{{/EMPTY_CHART}}
<svg role="img" aria-labelledby="{{CHART_ID}}-t {{CHART_ID}}-d" viewBox="0 0 {{CHART_WIDTH}} {{CHART_HEIGHT}}" class="chart" xmlns="http://www.w3.org/2000/svg">
<title id="{{CHART_ID}}-t">{{CHART_TITLE}}</title>
<desc id="{{CHART_ID}}-d">{{CHART_DESC}}</desc>
{{#BAR}}
<g class="chart-row">
<text class="bar-label" x="{{BAR_X}}" dx="-8" y="{{BAR_TEXT_Y}}" text-anchor="end">{{BAR_LABEL}}</text>
<rect class="bar bar-{{BAR_CLASS}}" x="{{BAR_X}}" y="{{BAR_Y}}" width="{{BAR_WIDTH}}" height="{{BAR_HEIGHT}}" rx="2"></rect>
<text class="bar-value" x="{{BAR_VALUE_X}}" y="{{BAR_TEXT_Y}}">{{BAR_VALUE}}（{{BAR_PCT}}）</text>
</g>
{{/BAR}}
</svg>
</div>
