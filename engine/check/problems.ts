/** The checker's problem catalogue: every code, its severity, and its message in Chinese and English. */

export type Severity = 'error' | 'warning';

/** One problem found in a definition: a stable code, where (JSON pointer), and what, in Chinese. */
export interface Problem {
  code: ProblemCode;
  severity: Severity;
  /** JSON pointer into the file the author edits. */
  path: string;
  message: string;
  messageEn: string;
  /** The name of what the path points at, in the definition's words (a step's, field's, event's, role's or form's label). */
  label?: string;
  /** For a county variation: where the problem sits in the template the patch is merged over. */
  templatePath?: string;
}

type Args = Record<string, string | number>;
interface Entry {
  severity: Severity;
  zh: (a: Args) => string;
  en: (a: Args) => string;
}

const e = (zh: Entry['zh'], en: Entry['en']): Entry => ({ severity: 'error', zh, en });
const w = (zh: Entry['zh'], en: Entry['en']): Entry => ({ severity: 'warning', zh, en });

/** Every problem code the checker can report. Codes are stable: tools and tests rely on them. */
export const problemCatalogue = {
  'json-invalid': e((a) => `不是有效的 JSON：${a.detail}`, (a) => `not valid JSON: ${a.detail}`),
  'too-large': e((a) => `文件过大（${a.size} 字节，上限 ${a.limit}）`, (a) => `file too large (${a.size} bytes, limit ${a.limit})`),
  'too-deep': e((a) => `嵌套层级过深（上限 ${a.limit} 层）`, (a) => `nesting deeper than ${a.limit}`),
  'too-many-nodes': e((a) => `内容过多（超过 ${a.limit} 个值）`, (a) => `more than ${a.limit} values`),
  'schema-violation': e((a) => `不符合流程定义格式：${a.detail}`, (a) => `does not match the definition format: ${a.detail}`),
  'variation-invalid': e((a) => `县级变更文件格式不对：${a.detail}`, (a) => `county variation file is malformed: ${a.detail}`),
  'extends-unknown': e((a) => `继承的模板「${a.id}」不存在`, (a) => `template "${a.id}" does not exist`),
  'initial-invalid': e((a) => `初始状态「${a.initial}」不是「${a.state}」的子状态`, (a) => `initial "${a.initial}" is not a child of "${a.state}"`),
  'initial-missing': e((a) => `复合状态「${a.state}」缺少初始状态（initial）`, (a) => `compound state "${a.state}" has no initial`),
  'state-id-duplicate': e((a) => `状态编号「${a.id}」重复`, (a) => `state id "${a.id}" is used twice`),
  'state-target-unknown': e((a) => `目标状态「${a.target}」不存在`, (a) => `target state "${a.target}" does not exist`),
  'state-unreachable': e((a) => `状态「${a.state}」永远无法到达`, (a) => `state "${a.state}" can never be reached`),
  'state-dead-end': e((a) => `非终止状态「${a.state}」没有出口，案件会卡在这里`, (a) => `non-final state "${a.state}" has no way out`),
  'final-has-transitions': e((a) => `终止状态「${a.state}」不能再有流转`, (a) => `final state "${a.state}" cannot have transitions`),
  'history-invalid': e((a) => `历史状态「${a.state}」必须位于复合状态中，且没有子状态`, (a) => `history state "${a.state}" must sit in a compound state and have no children`),
  'after-without-target': e((a) => `定时流转「${a.delay}」没有目标状态`, (a) => `delayed transition "${a.delay}" has no target`),
  'delay-unknown': e((a) => `时限「${a.delay}」未在 delays 中定义，也不是 ISO 8601 时长（如 P7D）`, (a) => `delay "${a.delay}" is neither declared nor an ISO 8601 duration`),
  'sla-on-final': w((a) => `终止状态「${a.state}」设置了办理时限，不会生效`, (a) => `final state "${a.state}" has an SLA that never applies`),
  'event-undeclared': e((a) => `事件「${a.event}」未在 events 中声明`, (a) => `event "${a.event}" is not declared in events`),
  'start-no-role': e((a) => `没有任何角色可以发起这个流程：请在 startRoles 中列出可发起的角色，或给第一个环节「${a.state}」指定办理角色（meta.assignee）；只由其他流程派生的子流程请写 "startRoles": []`, (a) => `no role may start this process: list them in startRoles, or give the first step "${a.state}" an assignee; a process only spawned by others declares "startRoles": []`),
  'event-no-role': e((a) => `事件「${a.event}」没有任何角色可以发送`, (a) => `no role may send event "${a.event}"`),
  'event-unused': w((a) => `事件「${a.event}」在流程中没有用到`, (a) => `event "${a.event}" is never handled`),
  'return-forward': w((a) => `退回操作「${a.event}」从「${a.from}」把案件送到了后面的环节「${a.to}」：退回应回到前面的环节`, (a) => `return "${a.event}" sends the case from "${a.from}" forward to "${a.to}": a return should go back`),
  'unique-key-constant': w(() => '唯一性标识（uniqueKey）没有读取案件的任何数据项，对每个案件都一样：这个流程将只能有一个案件。请用能区分案件的数据（如身份证号）', () => 'the uniqueKey reads no field of the case: it is the same for every case, so only one case could ever exist'),
  'approval-choose-from-not-people': e((a) => `审批人来自「${a.dataPath}」，但它不是人员列表（应为选人字段保存的用户编号列表）`, (a) => `approvers come from "${a.dataPath}", which is not a list of people (user ids)`),
  'money-precision': w((a) => `「${a.field}」看来是金额，却没有规定精度：可能存进 0.001 元这样付不出的数。请加上 "multipleOf": 0.01（到分）或 1（到元）`, (a) => `"${a.field}" looks like money but has no precision: add "multipleOf": 0.01 (to the fen) or 1`),
  'form-required-unknown': e((a) => `必填字段「${a.field}」在表单里没有定义（properties 中没有这一项）`, (a) => `required field "${a.field}" is not defined in the form's properties`),
  'form-ref-unknown': e((a) => `引用 ${a.ref} 找不到：表单里没有这个位置`, (a) => `$ref ${a.ref} points nowhere in the form`),
  'personal-copied': w((a) => `compute 读取个人信息「${a.field}」，结果写到「${a.to}」：那里不是个人信息字段，不在办理环节的人在列表、导出和打印中会看到未遮蔽的结果。若结果含有个人信息（如抄录身份证号、电话），请改为不抄录；只算出年龄、是否已填等不含个人信息的结果，可忽略此提示`, (a) => `compute reads the personal field "${a.field}" and writes "${a.to}", which is not personal: readers not on the step see the result unmasked in lists, exports and prints`),
  'computed-cycle': e((a) => `计算字段互相引用，形成了循环：${a.circle}。哪个都无法先算出，请去掉其中一处引用`, (a) => `computed fields read each other in a circle: ${a.circle}`),
  'compute-overwrites-field': e((a) => `compute 写入「${a.to}」，这是表单「${a.form}」中由办理人填写的「${a.field}」：计算结果会覆盖填写的内容。请写到别处（如 loan.balance），或把该字段做成计算字段（formula）`, (a) => `compute writes "${a.to}", the field "${a.field}" a person fills in form "${a.form}": the result would overwrite what was typed`),
  'formula-reads-later': e((a) => `公式读取「${a.field}」${a.form}，但它要到${a.filler}才填写：在「${a.step}」时它总是空的。请改读此前已填写的数据，或把公式移到填写之后的环节${a.hint}`, (a) => `the formula reads "${a.field}", which is filled only later (${a.filler}): at "${a.step}" it is always blank`),
  'patch-form-in-use': e((a) => `县级变更删除了表单「${a.form}」(${a.id})，但模板在${a.where}仍要用它：案件到那里就无法办理。请保留这个表单，或在变更里一并改掉用到它的地方`, (a) => `the county patch deletes form "${a.id}", which the template still uses at ${a.where}`),
  'formula-compares-optional': w((a) => `公式第 ${a.at} 个字符处用「${a.op}」比较「${a.field}」(${a.path})，但它不是必填项：办理人没填时比较得到 #VALUE!，这一步会被拒绝。请先用 ISBLANK(${a.path}) 判断，或用 IFERROR(…, 默认值) 包起来，或把它设为必填`, (a) => `the formula compares "${a.path}" with ${a.op} at character ${a.at}, but the field is not required: left empty, the comparison is #VALUE! and the step is refused; test it with ISBLANK or wrap it in IFERROR`),
  'role-undeclared': e((a) => `角色「${a.role}」未在 roles 中声明`, (a) => `role "${a.role}" is not declared`),
  'role-unused': w((a) => `角色「${a.role}」没有用到`, (a) => `role "${a.role}" is never used`),
  'form-unknown': e((a) => `表单「${a.form}」不存在`, (a) => `form "${a.form}" does not exist`),
  'form-unused': w((a) => `表单「${a.form}」没有用到`, (a) => `form "${a.form}" is never used`),
  'step-form-missing': e((a) => `事件「${a.event}」提交本环节表单，但环节「${a.state}」没有设置表单`, (a) => `event "${a.event}" submits the step form but state "${a.state}" has none`),
  'object-free-form': e((a) => `「${a.field}」是一组数据却没有列出其中的任何一项（type: object 而没有 properties）：提交时其中的任何内容都会被拒绝。请列出它的 properties，或用 additionalProperties 说明每一项的格式`, (a) => `"${a.field}" is an object that lists nothing it holds (type: object without properties): anything sent in it would be refused; list its properties or describe them with additionalProperties`),
  'form-not-object': e((a) => `表单「${a.form}」的 schema 顶层必须是 type: object`, (a) => `form "${a.form}" schema must be type: object at the top`),
  'form-schema-invalid': e((a) => `表单结构有误：${a.detail}`, (a) => `form schema does not compile in strict mode: ${a.detail}`),
  'field-title-missing': w((a) => `字段「${a.field}」没有中文标题（title）`, (a) => `field "${a.field}" has no title`),
  'ui-order-incomplete': e((a) => `uiSchema 的 ui:order 未列出字段「${a.fields}」，也没有 "*"：表单将无法显示`, (a) => `ui:order misses "${a.fields}" and has no "*": the form cannot render`),
  'pattern-invalid': e((a) => `正则表达式无效：${a.pattern}`, (a) => `invalid regular expression: ${a.pattern}`),
  'pattern-unsafe': e((a) => `正则表达式可能灾难性回溯（会卡死服务器）：${a.pattern}`, (a) => `regular expression may backtrack catastrophically: ${a.pattern}`),
  'guard-unknown': e((a) => `条件「${a.name}」不在条件目录中`, (a) => `guard "${a.name}" is not in the catalogue`),
  'guard-params-invalid': e((a) => `条件「${a.name}」的参数不对：${a.detail}`, (a) => `guard "${a.name}" params are invalid: ${a.detail}`),
  'condition-invalid': e((a) => `条件中的 JSON Schema 无法编译：${a.detail}`, (a) => `condition schema does not compile: ${a.detail}`),
  'action-unknown': e((a) => `动作「${a.name}」不在动作目录中`, (a) => `action "${a.name}" is not in the catalogue`),
  'action-params-invalid': e((a) => `动作「${a.name}」的参数不对：${a.detail}`, (a) => `action "${a.name}" params are invalid: ${a.detail}`),
  'data-path-unknown': e((a) => `读取的数据项「${a.dataPath}」没有任何表单或动作定义`, (a) => `data path "${a.dataPath}" is defined by no form or action`),
  'machine-invalid': e((a) => `流程无法编译：${a.detail}`, (a) => `the machine does not compile: ${a.detail}`),
  'duplicate-key': e((a) => `同一层里「${a.key}」写了两次：JSON 只保留后一个，前一个会被悄悄丢掉`, (a) => `key "${a.key}" appears twice at the same level: the first is silently dropped`),
  'always-cycle': e((a) => `无条件的自动流转（always）构成死循环：${a.cycle}。案件一进入就停不下来，请给其中一步加上条件`, (a) => `unguarded eventless transitions form a cycle: ${a.cycle}`),
  'history-target-invalid': e((a) => `历史状态「${a.state}」的默认目标「${a.target}」不存在或不在「${a.parent}」之内`, (a) => `history state "${a.state}" default target "${a.target}" is missing or outside "${a.parent}"`),
  'region-never-done': e((a) => `「${a.parent}」要等所有分支结束才继续（onDone），但分支「${a.state}」没有终止状态，永远结束不了`, (a) => `"${a.parent}" waits for all regions (onDone) but region "${a.state}" has no final state`),
  'transition-shadowed': e((a) => `这条流转永远不会执行：「${a.trigger}」的第 ${a.index} 条流转没有条件，总是先被选中`, (a) => `this transition can never be taken: number ${a.index} for the same event has no guard and always wins`),
  'spawn-process-unknown': e((a) => `要派生的子流程「${a.process}」不存在`, (a) => `spawned process "${a.process}" does not exist`),
  'condition-type-mismatch': e((a) => `条件把「${a.field}」（${a.fieldType}）与${a.valueType} ${a.value} 比较，类型不同，永远不会成立`, (a) => `condition compares "${a.field}" (${a.fieldType}) with a ${a.valueType} ${a.value}: never true`),
  'limits-contradict': e((a) => `「${a.field}」的下限 ${a.min}（${a.minKey}）大于上限 ${a.max}（${a.maxKey}），任何值都填不进去`, (a) => `"${a.field}": ${a.minKey} ${a.min} is greater than ${a.maxKey} ${a.max}`),
  'enum-duplicate': e((a) => `「${a.field}」的选项 ${a.value} 重复了`, (a) => `"${a.field}": option ${a.value} is listed twice`),
  'enum-names-mismatch': e((a) => `「${a.field}」有 ${a.options} 个选项，显示名称（${a.key}）却有 ${a.names} 个，选项和名称会对错`, (a) => `"${a.field}": ${a.options} options but ${a.names} names in ${a.key}`),
  'ui-field-unknown': w((a) => `界面设置（uiSchema）里的「${a.field}」在表单中没有这个字段，不会生效`, (a) => `uiSchema entry "${a.field}" matches no field of the form`),
  'calendar-unknown': e((a) => `节假日日历「${a.calendar}」不存在（现有：${a.known}）`, (a) => `holiday calendar "${a.calendar}" does not exist (known: ${a.known})`),
  'calendar-ends': w((a) => `节假日日历「${a.calendar}」只排到 ${a.last} 年：按工作日计的期限若落在 ${a.next} 年及以后，将不考虑法定节假日和调休（案件上会标出）`, (a) => `holiday calendar "${a.calendar}" ends in ${a.last}: working-day deadlines from ${a.next} ignore holidays`),
  'tuple-unsupported': e((a) => `「${a.field}」是按位置固定的元组（prefixItems），表单无法显示，村干部填不了；请改用一般列表（items）`, (a) => `"${a.field}" is a tuple (prefixItems), which the form renderer cannot show`),
  'schema-keyword-unknown': e((a) => `「${a.field}」里有不认识的关键字「${a.keyword}」${a.hint}`, (a) => `"${a.field}" has an unknown keyword "${a.keyword}"`),
  'formula-syntax': e((a) => `公式写得不对（第 ${a.at} 个字符处）：${a.detail}`, (a) => `formula syntax error at character ${a.at}: ${a.detail}`),
  'formula-field-unknown': e((a) => `公式第 ${a.at} 个字符处：${a.detail}`, (a) => `formula reads an unknown field at character ${a.at}`),
  'formula-function-unknown': e((a) => `公式第 ${a.at} 个字符处：${a.detail}`, (a) => `formula calls an unknown function at character ${a.at}`),
  'formula-arity': e((a) => `公式第 ${a.at} 个字符处：${a.detail}`, (a) => `formula passes the wrong number of arguments at character ${a.at}`),
  'formula-type': e((a) => `公式第 ${a.at} 个字符处：${a.detail}`, (a) => `formula has a type mismatch at character ${a.at}`),
  'formula-date-text': e((a) => `公式第 ${a.at} 个字符处：${a.detail}`, (a) => `formula gives text where a date is wanted at character ${a.at}`),
  'formula-result-type': e((a) => `公式第 ${a.at} 个字符处：${a.detail}`, () => 'formula gives a value of the wrong type for its place'),
  'formula-row-field': e((a) => `公式第 ${a.at} 个字符处：${a.detail}`, (a) => `formula reads a row field its list does not have at character ${a.at}`),
  'row-list-unknown': e((a) => `「${a.list}」不是「追加」（append）写入的列表，它的行没有编号，无法${a.doing}（本流程追加写入的列表：${a.known}）`, (a) => `"${a.list}" is not a list append grows: its rows have no ids`),
  'row-picker-type': e((a) => `「${a.field}」用来挑选一行记录（rowOf），保存的是那一行的编号，应为整数字段（"type": "integer"）`, (a) => `"${a.field}" picks a row (rowOf) and keeps its id: it must be "type": "integer"`),
  'formula-not-list': e((a) => `公式第 ${a.at} 个字符处：${a.detail}`, (a) => `formula picks rows from a single value, not a list, at character ${a.at}`),
  'approval-ratio-missing': e((a) => `「${a.state}」按比例审批，但没有写比例（ratio，如 0.6）`, (a) => `"${a.state}" decides by a share of approvers but gives no ratio`),
  'approval-ratio-unused': w((a) => `「${a.state}」写了审批比例（ratio），但方式是${a.mode}，比例不起作用：按比例审批请把 mode 设为 "ratio"`, (a) => `"${a.state}" gives a ratio, but its mode (${a.mode}) does not count one: use mode "ratio"`),
  'approval-no-approve': e((a) => `「${a.state}」设为多人审批，但在这一步没有「同意」类操作（kind: approve）`, (a) => `"${a.state}" is decided by several approvers but takes no approve-kind event`),
  'approval-no-approvers': e((a) => `「${a.state}」设为多人审批，但${a.why}：这一步没有人能审批`, (a) => `"${a.state}" is decided by several approvers but nobody can approve it (${a.why})`),
  'countersign-conflict': e((a) => `「${a.state}」设为多部门联审（countersign），又设了${a.what}：联审由各部门按各自的角色和规则审批，请去掉${a.what}`, (a) => `"${a.state}" is countersigned by departments but also sets ${a.what}: the departments decide; remove it`),
  'countersign-not-a-step': e((a) => `「${a.state}」含有子状态或是终止状态，不是一个办理环节：联审只能设在单个办理环节上`, (a) => `"${a.state}" is not a single step (it has children, or is final): a countersign goes on one step`),
  'countersign-one-department': w((a) => `「${a.state}」的联审只有一个部门「${a.department}」：一个部门内的多人审批请用「多人审批」（approval），联审至少要两个部门`, (a) => `"${a.state}" is countersigned by one department only ("${a.department}"): use approval for several people of one department`),
  'countersign-role-twice': e((a) => `「${a.state}」的联审中「${a.department}」和「${a.other}」用了同一个角色「${a.role}」：每个部门要有自己的角色，否则分不清谁代表哪个部门`, (a) => `"${a.state}": departments "${a.department}" and "${a.other}" use the same role "${a.role}"`),
  'countersign-no-holder': e((a) => `「${a.state}」的联审中「${a.department}」没有人能审批：${a.why}，案件会一直停在这一步`, (a) => `"${a.state}": nobody can sign for department "${a.department}" (${a.why})`),
  'role-unheld': w((a) => `角色「${a.role}」本县还没有任何人担任：${a.where}将没人能办理`, (a) => `no user of the county holds role "${a.role}"`),
} satisfies Record<string, Entry>;

export type ProblemCode = keyof typeof problemCatalogue;

/** Makes a problem from its code, the JSON pointer, and the message's arguments. */
export function problem(code: ProblemCode, path: string, args: Args = {}): Problem {
  const entry: Entry = problemCatalogue[code];
  return { code, severity: entry.severity, path, message: entry.zh(args), messageEn: entry.en(args) };
}
