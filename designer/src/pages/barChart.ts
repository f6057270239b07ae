import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

// Only what the dashboard's stacked bar chart draws with (a bar series, axes on a grid, a tooltip, a scrolling
// legend, the canvas renderer): about half of all of ECharts, which the dashboard used to load whole.
use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export { init };
