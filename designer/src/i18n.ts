/** UI words in Chinese (default) and English; forms and processes come in the county's own words. */
const zh = {
  appName: '县域流程', tasks: '待办', cases: '案件', dashboard: '监控', start: '发起', logout: '退出', login: '登录',
  county: '县（区）', username: '用户名', password: '密码', noTasks: '没有待办事项', overdue: '已超期', due: '期限', dueApproximate: '（节假日安排尚未公布，期限按普通周末估算）', records: '台账记录',
  search: '搜索姓名、名称', allProcesses: '全部流程', history: '办理记录', submit: '提交', cancel: '取消', reason: '原因',
  offlineSaved: '网络不通：已保存在本机，网络恢复后自动提交。', pendingCount: '条待发送', stale: '案件已被他人处理，下面是最新情况；您填写的内容已保留，可重新提交。',
  returned: '退回原因', print: '打印', earlierSteps: '已填写的表单', noActions: '当前环节无需您办理', export: '导出台账', import: '导入名册',
  dryRun: '检查名册（不创建）', doImport: '确认导入', total: '合计', startCase: '发起案件', process: '流程', unit: '单位', language: 'English',
  loading: '加载中…', draftKept: '草稿已保存', refused: '提交被拒绝', discard: '知道了', allUnits: '全部单位', author: '流程设计',
  handled: '已办', startedByMe: '我发起的', messages: '消息',
  offlineShown: '没有网络：显示的是本机保存的内容，保存于', outbox: '待发送', waitingSend: '等待网络', sent: '已发送', resend: '用我填写的内容重新提交', restoreInput: '把我填写的内容放回表单',
  alreadyQueued: '这个案件已有一条提交在等待网络，发送前不能再次提交。', sentNow: '网络已恢复，离线时的提交已发送。',
};
type Words = typeof zh;
const en: Words = {
  appName: 'CountyFlow', tasks: 'Tasks', cases: 'Cases', dashboard: 'Monitor', start: 'Start', logout: 'Log out', login: 'Log in',
  county: 'County', username: 'Username', password: 'Password', noTasks: 'Nothing waiting for you', overdue: 'Overdue', due: 'Due', dueApproximate: ' (holidays not yet published: estimated)', records: 'Records',
  search: 'Search names', allProcesses: 'All processes', history: 'History', submit: 'Submit', cancel: 'Cancel', reason: 'Reason',
  offlineSaved: 'Offline: saved on this device, will be sent when the network returns.', pendingCount: 'waiting to send', stale: 'Someone else acted first; this is the case now. Your input is kept: submit again.',
  returned: 'Returned because', print: 'Print', earlierSteps: 'Earlier steps', noActions: 'Nothing for you to do at this step', export: 'Export ledger', import: 'Import roster',
  dryRun: 'Check roster (creates nothing)', doImport: 'Import', total: 'Total', startCase: 'Start a case', process: 'Process', unit: 'Unit', language: '中文',
  loading: 'Loading…', draftKept: 'Draft saved', refused: 'Submission refused', discard: 'OK', allUnits: 'All units', author: 'Designer',
  handled: 'Handled', startedByMe: 'Started by me', messages: 'Messages',
  offlineShown: 'No network: showing what this device kept, fetched', outbox: 'Outbox', waitingSend: 'Waiting for network', sent: 'Sent', resend: 'Submit my input again', restoreInput: 'Put my input back into the form',
  alreadyQueued: 'A submission for this case is already waiting for the network.', sentNow: 'Back online: the submission made offline has been sent.',
};

let lang: 'zh' | 'en' = localStorage.getItem('cf_lang') === 'en' ? 'en' : 'zh';

/** The UI word for a key in the chosen language. */
export const t = (key: keyof Words): string => (lang === 'en' ? en : zh)[key];

/** Switches between Chinese and English (reloads the page). */
export function toggleLanguage(): void {
  lang = lang === 'zh' ? 'en' : 'zh';
  localStorage.setItem('cf_lang', lang);
  location.reload();
}

/** A date-time in Chinese conventions (Beijing time). */
export const formatTime = (iso: string | null): string =>
  iso ? new Date(iso).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'Asia/Shanghai', hour12: false, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }) : '';

/** A case's short number, as lists and the outbox show it (the search box finds a case by it). */
export const shortNumber = (id: string) => id.slice(0, 8).toUpperCase();
