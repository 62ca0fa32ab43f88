// The one table of the app's texts, Simplified Chinese first, English switchable: key → [中文, English].

let lang = 'zh';

const TEXTS = {
  'app.title': ['抽查 · 现场检查', 'Choucha field inspections'],
  'common.cancel': ['取消', 'Cancel'], 'common.later': ['稍后', 'Later'],
  'error.view': ['页面出错：', 'This page failed:'],
  'error.storage_full': ['手机存储空间已满，本次操作未保存；已记录的内容都在。请清理空间后重试。', 'The phone storage is full: this was not saved, nothing recorded before is lost. Free some space and try again.'],
  'net.online': ['在线', 'Online'], 'net.offline': ['离线', 'Offline'],
  'sync.now': ['立即同步', 'Sync now'], 'sync.running': ['正在同步…', 'Syncing…'],
  'sync.uploading': ['正在上传 {sent}/{size}', 'Uploading {sent}/{size}'],
  'sync.retry': ['同步失败，{s}秒后重试', 'Sync failed, retrying in {s} s'],
  'sync.refused': ['服务器拒绝（{code}），请联系管理员', 'Refused by the server ({code}); ask an administrator'],
  'sync.auth': ['登录已过期，请重新登录', 'Login expired: log in again'],
  'sync.pending': ['{n} 项待同步', '{n} waiting to sync'], 'sync.done': ['已全部同步', 'All synced'],
  'nav.tasks': ['我的任务', 'My tasks'], 'nav.review': ['审核', 'Review'], 'nav.admin': ['管理', 'Admin'], 'nav.settings': ['设置', 'Settings'],
  'update.available': ['新版本可用', 'A new version is available'], 'update.reload': ['更新', 'Update'],
  'login.title': ['登录', 'Log in'], 'login.intro': ['首次使用须联网登录一次，之后可离线使用。', 'Log in once online; the app then works offline.'],
  'login.username': ['用户名', 'User name'], 'login.password': ['密码', 'Password'], 'login.submit': ['登录', 'Log in'],
  'login.offline': ['当前离线，首次登录需要网络', 'You are offline: the first login needs the network'],
  'login.wrong': ['用户名或密码错误', 'Wrong user name or password'], 'login.slow': ['尝试次数过多，请稍后再试', 'Too many attempts; try again later'],
  'login.failed': ['登录失败（{code}）', 'Login failed ({code})'],
  'pin.title': ['设置本机解锁码', 'Set a PIN for this device'],
  'pin.intro': ['解锁码只保存在您的记忆中：它加密本机保存的登录凭证，手机丢失时他人无法使用。', 'The PIN is never stored: it seals the login on this device, so a lost phone cannot be used.'],
  'pin.label': ['解锁码（4–8位数字）', 'PIN (4–8 digits)'], 'pin.again': ['再次输入解锁码', 'PIN again'], 'pin.save': ['保存并进入', 'Save and continue'],
  'pin.format': ['解锁码须为4–8位数字', 'The PIN is 4–8 digits'], 'pin.mismatch': ['两次输入不一致', 'The two PINs differ'],
  'pin.wrong': ['解锁码错误', 'Wrong PIN'], 'pin.wait': ['解锁码错误，请{s}秒后再试', 'Wrong PIN; wait {s} s'],
  'unlock.title': ['解锁', 'Unlock'], 'unlock.who': ['{name}，请输入本机解锁码', '{name}, enter the PIN of this device'], 'unlock.submit': ['解锁', 'Unlock'],
  'relogin.title': ['请重新登录', 'Log in again'], 'relogin.intro': ['登录凭证已过期。待同步的记录都保留在本机，重新登录后继续同步。', 'The login expired. Everything waiting to sync stays on this device and goes once you log in again.'],
  'relogin.other': ['须以同一用户登录', 'Log in as the same user'],
  'logout.button': ['退出登录', 'Log out'], 'logout.confirm': ['退出后本机数据将被清除，确定吗？', 'Logging out erases this device’s data. Continue?'],
  'logout.blocked': ['还有 {n} 项未同步，不能退出：请先联网同步', '{n} items are not synced yet: sync before logging out'],
  'tasks.title': ['我的任务', 'My tasks'], 'tasks.today': ['今天', 'Today'], 'tasks.overdue': ['已逾期', 'Overdue'],
  'tasks.upcoming': ['待检查', 'Upcoming'], 'tasks.done': ['已提交', 'Submitted'],
  'tasks.overall': ['共 {n} 个任务，已填 {done}/{total} 项', '{n} tasks, {done}/{total} answered'],
  'tasks.none': ['暂无任务', 'No tasks'], 'tasks.none_offline': ['暂无任务（离线：联网后下载）', 'No tasks (offline: they download once online)'],
  'task.due': ['期限 {date}', 'due {date}'], 'task.progress': ['已填 {done}/{total}', '{done}/{total} answered'],
  'task.unsynced': ['{n} 项未同步', '{n} unsynced'], 'task.unknown': ['本机没有该任务', 'This task is not on this device'],
  'task.uscc': ['统一社会信用代码', 'USCC'], 'task.address': ['地址', 'Address'], 'task.map': ['地图', 'Map'],
  'task.deadline': ['完成期限', 'Deadline'], 'task.status': ['状态', 'Status'], 'task.team': ['检查组', 'Team'],
  'task.lead': ['（组长）', ' (lead)'], 'task.entity': ['检查对象', 'Inspected party'], 'task.items': ['检查事项', 'Items'],
  'task.basis': ['依据', 'Basis'], 'task.open_form': ['填写检查表', 'Fill in the form'],
  'task.form_missing': ['本机缺少该检查表版本，联网同步后可用', 'This form version is not on the device yet; sync online'],
  'task.start': ['开始检查', 'Start the inspection'], 'task.preview': ['预览并提交', 'Preview and submit'],
  'task.notes': ['备注', 'Notes'], 'task.note_new': ['新备注', 'New note'], 'task.note_add': ['添加备注', 'Add note'],
  'task.refused': ['服务器未接受的变更', 'Changes the server refused'], 'task.returned': ['退回理由', 'Returned because'],
  'task.conflicts': ['有 {n} 处冲突待处理', '{n} conflicts to settle'],
  'status.assigned': ['待检查', 'Assigned'], 'status.in_progress': ['检查中', 'In progress'], 'status.submitted': ['已提交', 'Submitted'],
  'status.returned': ['已退回', 'Returned'], 'status.approved': ['已通过', 'Approved'],
  'start.title': ['开始检查', 'Starting the inspection'], 'start.credentials': ['出示执法证件', 'Show the credentials'],
  'start.credential_no': ['执法证号', 'Credential no.'], 'start.purpose': ['说明检查目的和依据', 'Purpose and legal basis'],
  'start.purpose_text': ['依法对{name}开展“双随机、一公开”抽查，检查事项和依据如下：', 'A random inspection of {name} under these items and their basis:'],
  'start.recusal': ['告知申请回避的权利', 'The right to request recusal'],
  'start.recusal_text': ['当事人认为执法人员与本案有直接利害关系或者有其他关系可能影响公正执法的，有权申请回避。', 'If the party believes an officer has an interest or relationship that could affect a fair inspection, it may request that officer’s recusal.'],
  'start.recording': ['检查过程可能全程录音录像。', 'The inspection may be recorded on audio and video.'],
  'start.begin': ['已出示证件并告知，开始检查', 'Credentials shown and rights stated: begin'],
  'start.locating': ['正在定位…', 'Locating…'], 'start.located': ['已记录检查地点', 'Location recorded'], 'start.no_location': ['未能定位，可稍后在表中补充', 'No location; it can be added in the form'],
  'answer.yes': ['是', 'Yes'], 'answer.no': ['否', 'No'], 'answer.na': ['不适用', 'N/A'],
  'form.suggested': ['（建议）', '(suggested)'], 'form.row': ['第 {n} 行', 'Row {n}'], 'form.row_add': ['添加一行', 'Add a row'],
  'form.row_remove': ['删除此行', 'Remove this row'], 'form.items_nav': ['检查事项导航', 'Items'],
  'form.prev_item': ['上一事项', 'Previous item'], 'form.next_item': ['下一事项', 'Next item'],
  'form.not_started': ['尚未开始检查：先出示证件并告知权利', 'Not started: show credentials and state the rights first'],
  'form.closed': ['报告已通过审核，不能再修改', 'The report is approved and can no longer change'],
  'gps.none': ['尚未定位', 'No location yet'], 'gps.get': ['获取定位', 'Get location'], 'gps.locating': ['正在定位…', 'Locating…'],
  'gps.failed': ['定位失败：请检查定位权限', 'Location failed: check the permission'],
  'media.take_photo': ['拍照/选择照片', 'Take or choose photos'], 'media.camera': ['相机', 'Camera'],
  'media.record': ['开始录音', 'Record audio'], 'media.stop_recording': ['停止录音', 'Stop recording'], 'media.remove': ['删除', 'Remove'],
  'media.photo_alt': ['现场照片 {n}', 'Photo {n}'], 'media.audio_alt': ['现场录音 {n}', 'Recording {n}'],
  'media.on_server': ['已上传', 'On the server'], 'media.missing': ['文件尚未上传', 'Not uploaded yet'],
  'capture.camera': ['相机', 'Camera'], 'capture.preview': ['相机画面', 'Camera view'], 'capture.shoot': ['拍摄', 'Take photo'],
  'capture.camera_denied': ['相机权限被拒绝：请在浏览器设置中允许，或改用“拍照/选择照片”', 'Camera permission refused: allow it, or use “Take or choose photos”'],
  'capture.camera_unavailable': ['无法使用相机，请改用“拍照/选择照片”', 'No camera: use “Take or choose photos”'],
  'capture.microphone_denied': ['麦克风权限被拒绝：请在浏览器设置中允许', 'Microphone permission refused: allow it in the browser settings'],
  'capture.microphone_unavailable': ['无法使用麦克风', 'No microphone available'],
  'sign.confirm': ['确认签名', 'Confirm signature'], 'sign.clear': ['清除', 'Clear'], 'sign.refuse': ['当事人拒绝签字', 'The party refuses to sign'],
  'sign.reason': ['拒签理由', 'Reason for refusing'], 'sign.reason_needed': ['请写明拒签理由', 'State the reason'],
  'sign.refusal_confirm': ['记录拒签', 'Record the refusal'], 'sign.empty': ['请先在框内签名', 'Sign in the box first'],
  'sign.done': ['已签名', 'Signed'], 'sign.image_alt': ['签名图像', 'Signature image'], 'sign.refused_with': ['拒绝签字，理由：{reason}', 'Refused to sign: {reason}'],
  'preview.title': ['现场检查记录预览', 'On-site record preview'], 'preview.evidence': ['证据', 'Evidence'],
  'preview.evidence_counts': ['照片 {photos} 张，录音 {audio} 段', '{photos} photos, {audio} recordings'],
  'preview.files': ['{n} 个文件', '{n} files'], 'preview.findings': ['发现的问题', 'Findings'],
  'preview.missing': ['还有 {n} 处需要填写或更正', '{n} answers missing or wrong'], 'preview.complete': ['记录完整，可以提交', 'Complete: ready to submit'],
  'preview.submit': ['提交报告', 'Submit the report'], 'preview.submitted': ['已提交，正在同步', 'Submitted; syncing'],
  'preview.submitted_offline': ['已提交，联网后自动同步', 'Submitted; it syncs once online'],
  'conflict.title': ['冲突', 'Conflicts'], 'conflict.intro': ['两台设备在离线时填写了不同的值。请选择保留哪一个：两个值都不会丢失。', 'Two devices wrote different values offline. Choose one; neither is lost.'],
  'conflict.by': ['设备 {device} · {at}', 'device {device} · {at}'], 'conflict.current': ['当前值', 'current'],
  'conflict.choose': ['采用此值', 'Use this value'], 'conflict.chosen': ['已选定，同步后生效', 'Chosen; it applies once synced'], 'conflict.none': ['没有冲突', 'No conflicts'],
  'review.title': ['待审核报告', 'Reports awaiting approval'], 'review.none': ['没有待审核的报告', 'Nothing awaits approval'],
  'review.conflicts': ['{n} 处冲突', '{n} conflicts'], 'review.media': ['{n} 个媒体文件', '{n} media files'],
  'review.approve': ['审核通过', 'Approve'], 'review.return': ['退回', 'Return'], 'review.reasons': ['退回理由（每行一条）', 'Reasons to return (one per line)'],
  'review.reasons_needed': ['请写明退回理由', 'Give the reasons'], 'review.approved': ['已通过', 'Approved'], 'review.returned': ['已退回', 'Returned'],
  'review.offline': ['审核需要联网', 'Reviewing needs the network'],
  'settings.title': ['设置', 'Settings'], 'settings.user': ['用户', 'User'], 'settings.device': ['设备编号', 'Device'],
  'settings.storage': ['存储', 'Storage'], 'settings.storage_used': ['已用 {used}，可用 {quota}', '{used} used of {quota}'],
  'settings.persisted': ['持久存储', 'Persistent storage'], 'settings.persisted_yes': ['已开启（浏览器不会自动清除）', 'On (the browser will not evict it)'],
  'settings.persisted_no': ['未开启', 'Off'], 'settings.persist': ['申请持久存储', 'Ask for persistent storage'],
  'settings.outbox': ['待同步', 'Waiting to sync'], 'settings.outbox_counts': ['{n} 项变更，{files} 个文件（{bytes}）', '{n} changes, {files} files ({bytes})'],
  'settings.media_refused': ['服务器拒收的文件', 'Files the server refused'], 'settings.last_sync': ['上次同步', 'Last sync'], 'settings.account': ['账户', 'Account'],
  'admin.registers': ['登记册', 'Registers'], 'admin.items': ['检查事项', 'Items'], 'admin.plans': ['抽查计划', 'Plans'],
  'admin.draws': ['抽取', 'Draws'], 'admin.tasks': ['任务', 'Tasks'], 'admin.offline': ['管理功能需要联网', 'Administration needs the network'],
  'admin.search': ['搜索', 'Search'], 'admin.found': ['共 {n} 条', '{n} found'], 'admin.name': ['名称', 'Name'],
  'admin.risk': ['风险等级', 'Risk class'], 'admin.import': ['导入登记册', 'Import a register'], 'admin.kind': ['类别', 'Kind'],
  'admin.entities': ['市场主体', 'Entities'], 'admin.inspectors': ['执法检查人员', 'Inspectors'], 'admin.file': ['文件（CSV 或 XLSX）', 'File (CSV or XLSX)'],
  'admin.dry_run': ['仅校验', 'Check only'], 'admin.import_now': ['导入', 'Import'], 'admin.template': ['下载导入模板', 'Download the template'],
  'admin.choose_file': ['请先选择文件', 'Choose a file first'], 'admin.checked': ['校验通过：{n} 行', 'Checked: {n} rows'],
  'admin.imported': ['已导入：新增 {created}，更新 {updated}', 'Imported: {created} created, {updated} updated'],
  'admin.code': ['编码', 'Code'], 'admin.version': ['版本', 'Version'], 'admin.form': ['检查表', 'Form'],
  'admin.published': ['已发布', 'Published'], 'admin.publish': ['发布', 'Publish'], 'admin.year': ['年度', 'Year'],
  'admin.title': ['名称', 'Title'], 'admin.department': ['部门', 'Department'], 'admin.starts': ['开始', 'Starts'], 'admin.ends': ['结束', 'Ends'],
  'admin.plan_draft': ['草稿', 'Draft'], 'admin.plan_published': ['已发布', 'Published'], 'admin.plan_closed': ['已关闭', 'Closed'],
  'admin.plan_adjusted': ['已调整', 'Adjusted'], 'admin.announce': ['公告抽取', 'Announce a draw'], 'admin.no_published': ['没有已发布的计划', 'No published plans'],
  'admin.sources_description': ['随机源说明（公开的未来数据，如某日开奖号码）', 'The public future sources (e.g. a lottery result on a date)'],
  'admin.execute': ['执行抽取', 'Execute the draw'], 'admin.sources': ['随机源取值（每行一个）', 'Source values (one per line)'],
  'admin.observers': ['监督人员（每行一个）', 'Observers (one per line)'], 'admin.record': ['抽取记录', 'Draw record'],
  'admin.verifying': ['正在复核记录…', 'Verifying the record…'], 'admin.record_ok': ['记录哈希复核一致 ✓', 'Record hash verified ✓'],
  'admin.record_cli': ['浏览器无法复核该记录，请用 choucha draw verify 复核', 'The browser could not verify it: use choucha draw verify'],
  'admin.download_record': ['下载完整记录（JSON）', 'Download the full record (JSON)'], 'admin.announced': ['公告时间', 'Announced'],
  'admin.executed': ['执行时间', 'Executed'],
};

/** The current language: 'zh' or 'en'. */
export const language = () => lang;

/** Switch the language of texts made from now on. */
export function setLanguage(next) {
  lang = next === 'en' ? 'en' : 'zh';
}

/** The text of a key in the current language, with {name} filled from `values`. */
export function t(key, values = {}) {
  const pair = TEXTS[key];
  if (!pair) return key;
  const text = pair[lang === 'zh' ? 0 : 1];
  return text.replace(/\{(\w+)\}/g, (_, name) => (values[name] === undefined ? '' : String(values[name])));
}

/** A bilingual label object ({zh, en}) in the current language, falling back to the other. */
export function tl(label) {
  if (!label) return '';
  if (typeof label === 'string') return label;
  return lang === 'zh' ? label.zh || label.en || '' : label.en || label.zh || '';
}

export const TEXT_KEYS = Object.keys(TEXTS);
