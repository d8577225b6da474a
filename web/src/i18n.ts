// Every string the console shows lives here, Vietnamese first (the users are Vietnamese customs
// officers), English second. `en` is typed against `vi`, and i18n.test.ts checks both at run time.

export type Lang = 'vi' | 'en';

const vi = {
  'app.name': 'watchfloor — Hệ thống giám sát trực tuyến',
  'app.skip': 'Bỏ qua đến nội dung chính',
  'lang.label': 'Ngôn ngữ',
  'lang.vi': 'Tiếng Việt',
  'lang.en': 'English',

  'nav.label': 'Điều hướng chính',
  'nav.org': 'Tổ chức',
  'nav.users': 'Người dùng',
  'nav.audit': 'Nhật ký kiểm toán',

  'common.save': 'Lưu',
  'common.saving': 'Đang lưu…',
  'common.cancel': 'Hủy',
  'common.edit': 'Sửa',
  'common.delete': 'Xóa',
  'common.confirmDelete': 'Xác nhận xóa',
  'common.yes': 'Có',
  'common.no': 'Không',
  'common.loading': 'Đang tải…',
  'common.none': '(không có)',
  'common.all': 'Tất cả',
  'common.retry': 'Thử lại',
  'common.close': 'Đóng',
  'common.saved': 'Đã lưu.',
  'common.required': 'Bắt buộc',

  'error.network': 'Không kết nối được máy chủ',
  'error.networkDetail': 'Kiểm tra kết nối mạng hoặc trạng thái máy chủ rồi thử lại.',
  'error.unexpected': 'Lỗi không xác định',
  'error.unexpectedDetail': 'Máy chủ trả lời không đúng định dạng (mã {status}).',
  'error.forbiddenPage': 'Bạn không có quyền truy cập trang này. Hãy liên hệ quản trị hệ thống nếu cần được cấp quyền.',
  'error.notFoundPage': 'Không tìm thấy trang.',
  'error.fieldsBelow': 'Vui lòng sửa các trường được đánh dấu.',

  'header.user': 'Người dùng đang đăng nhập',
  'header.logout': 'Đăng xuất',

  'login.title': 'Đăng nhập',
  'login.username': 'Tên đăng nhập',
  'login.password': 'Mật khẩu',
  'login.submit': 'Đăng nhập',
  'login.submitting': 'Đang đăng nhập…',
  'login.intro': 'Dành cho cán bộ được cấp tài khoản. Mọi thao tác đều được ghi nhật ký.',

  'pw.title': 'Đổi mật khẩu',
  'pw.intro': 'Bạn phải đổi mật khẩu trước khi tiếp tục sử dụng hệ thống.',
  'pw.current': 'Mật khẩu hiện tại',
  'pw.new': 'Mật khẩu mới',
  'pw.confirm': 'Nhập lại mật khẩu mới',
  'pw.policy': 'Ít nhất 12 ký tự, khác tên đăng nhập, gồm ít nhất 3 trong 4 loại: chữ thường, chữ hoa, chữ số, ký hiệu.',
  'pw.mismatch': 'Mật khẩu nhập lại không khớp.',
  'pw.submit': 'Đổi mật khẩu',
  'pw.done': 'Đã đổi mật khẩu.',

  'org.title': 'Cơ cấu tổ chức',
  'org.treeLabel': 'Cây đơn vị',
  'org.search': 'Lọc đơn vị',
  'org.searchPlaceholder': 'Tên hoặc mã đơn vị',
  'org.expandAll': 'Mở rộng tất cả',
  'org.collapseAll': 'Thu gọn tất cả',
  'org.expand': 'Mở rộng',
  'org.collapse': 'Thu gọn',
  'org.noMatch': 'Không có đơn vị phù hợp.',
  'org.empty': 'Chưa có đơn vị nào.',
  'org.count': '{n} đơn vị',
  'org.selectHint': 'Chọn một đơn vị trong cây để xem chi tiết.',
  'org.notFound': 'Không tìm thấy đơn vị.',
  'org.code': 'Mã đơn vị',
  'org.kind': 'Loại đơn vị',
  'org.nameVi': 'Tên tiếng Việt',
  'org.nameEn': 'Tên tiếng Anh',
  'org.timeZone': 'Múi giờ',
  'org.parent': 'Đơn vị cấp trên',
  'org.root': '(cấp cao nhất)',
  'org.flags': 'Thuộc tính',
  'org.hasCameraRoom': 'Có phòng quan sát camera',
  'org.mustRun24x7': 'Hoạt động 24/7',
  'org.external': 'Đơn vị ngoài ngành Hải quan',
  'org.designations': 'Đơn vị được chỉ định',
  'org.designationNone': '(chưa chỉ định)',
  'org.unknownUnit': 'Đơn vị #{id}',
  'org.createChild': 'Thêm đơn vị trực thuộc',
  'org.editUnit': 'Sửa đơn vị',
  'org.newUnitUnder': 'Đơn vị mới trực thuộc {name}',
  'org.deleteConfirm': 'Xóa đơn vị “{name}”? Thao tác này không thể hoàn tác.',
  'org.deleted': 'Đã xóa đơn vị.',
  'org.created': 'Đã tạo đơn vị.',

  'designation.lead_supervision_unit': 'Đơn vị chủ trì giám sát trực tuyến',
  'designation.system_operator': 'Đơn vị vận hành hệ thống',
  'designation.supervision_section': 'Bộ phận giám sát trực tuyến / đơn vị đầu mối',
  'designation.duty_watch': 'Trực ban đơn vị',
  'designation.leadership': 'Lãnh đạo đơn vị',
  'designation.leadership_focal_point': 'Đầu mối báo cáo lãnh đạo Tổng cục',

  'kind.headquarters': 'Tổng cục',
  'kind.leadership': 'Lãnh đạo',
  'kind.office': 'Văn phòng',
  'kind.department': 'Cục',
  'kind.division': 'Phòng',
  'kind.provincial_department': 'Cục Hải quan tỉnh, thành phố',
  'kind.branch': 'Chi cục',
  'kind.team': 'Đội',
  'kind.customs_department': 'Cục Hải quan',
  'kind.central_unit': 'Đơn vị trung ương',
  'kind.regional_branch': 'Chi cục Hải quan khu vực',
  'kind.border_gate_office': 'Hải quan cửa khẩu',
  'kind.external': 'Đơn vị ngoài ngành',

  'role.admin': 'Quản trị hệ thống',
  'role.hq_leader': 'Lãnh đạo Tổng cục',
  'role.unit_leader': 'Lãnh đạo đơn vị',
  'role.shift_leader': 'Trưởng ca trực',
  'role.duty_officer': 'Cán bộ trực ban',
  'role.supervision_officer': 'Cán bộ giám sát trực tuyến',
  'role.office_officer': 'Cán bộ Văn phòng',
  'role.camera_admin': 'Quản trị camera',
  'role.auditor': 'Cán bộ kiểm tra nhật ký',
  'role.external_requester': 'Người đề nghị ngoài ngành',

  'users.title': 'Người dùng',
  'users.username': 'Tên đăng nhập',
  'users.fullName': 'Họ và tên',
  'users.unit': 'Đơn vị',
  'users.jobTitle': 'Chức vụ',
  'users.roles': 'Vai trò',
  'users.role': 'Vai trò',
  'users.roleUnit': 'Tại đơn vị',
  'users.active': 'Hoạt động',
  'users.inactive': 'Đã khóa',
  'users.lastLogin': 'Đăng nhập gần nhất',
  'users.never': 'Chưa đăng nhập',
  'users.filterUnit': 'Đơn vị',
  'users.filterText': 'Tìm kiếm',
  'users.filterTextPlaceholder': 'Tên đăng nhập hoặc họ tên',
  'users.count': '{n} người dùng',
  'users.empty': 'Không có người dùng nào phù hợp.',
  'users.create': 'Thêm người dùng',
  'users.edit': 'Sửa người dùng {username}',
  'users.new': 'Người dùng mới',
  'users.password': 'Mật khẩu ban đầu',
  'users.mustChange': 'Bắt buộc đổi mật khẩu ở lần đăng nhập đầu',
  'users.resetPassword': 'Đặt lại mật khẩu',
  'users.resetHint': 'Để trống nếu không đổi. Khi đặt lại, người dùng phải đổi mật khẩu ở lần đăng nhập sau.',
  'users.addRole': 'Thêm vai trò',
  'users.removeRole': 'Bỏ vai trò',
  'users.noRoles': 'Chưa có vai trò.',
  'users.created': 'Đã tạo người dùng.',
  'users.actions': 'Thao tác',

  'audit.title': 'Nhật ký kiểm toán',
  'audit.seq': 'Số TT',
  'audit.time': 'Thời gian',
  'audit.actor': 'Người thực hiện',
  'audit.action': 'Hành động',
  'audit.actionPrefix': 'Hành động (bắt đầu bằng)',
  'audit.object': 'Đối tượng',
  'audit.objectType': 'Loại đối tượng',
  'audit.requestId': 'Mã yêu cầu',
  'audit.ip': 'Địa chỉ IP',
  'audit.details': 'Chi tiết',
  'audit.from': 'Từ ngày',
  'audit.to': 'Đến ngày',
  'audit.datePlaceholder': 'dd/mm/yyyy',
  'audit.badDate': 'Nhập ngày theo dạng dd/mm/yyyy, ví dụ 28/11/2026.',
  'audit.apply': 'Lọc',
  'audit.reset': 'Xóa bộ lọc',
  'audit.older': 'Xem bản ghi cũ hơn',
  'audit.noMore': 'Đã hiển thị đến bản ghi cũ nhất.',
  'audit.empty': 'Không có bản ghi nào phù hợp.',
  'audit.system': '(hệ thống)',
  'audit.tzNote': 'Thời gian hiển thị theo giờ Việt Nam (Asia/Ho_Chi_Minh, UTC+7).',
  'audit.verify': 'Kiểm tra tính toàn vẹn',
  'audit.verifying': 'Đang kiểm tra…',
  'audit.verifyOk': 'Chuỗi nhật ký toàn vẹn: {n} bản ghi.',
  'audit.verifyBroken': 'Chuỗi nhật ký bị phá vỡ từ bản ghi số {seq}.',
  'audit.shown': 'Đang hiển thị {n} bản ghi',
};

export type Key = keyof typeof vi;

const en: Record<Key, string> = {
  'app.name': 'watchfloor — Online supervision system',
  'app.skip': 'Skip to main content',
  'lang.label': 'Language',
  'lang.vi': 'Tiếng Việt',
  'lang.en': 'English',

  'nav.label': 'Main navigation',
  'nav.org': 'Organisation',
  'nav.users': 'Users',
  'nav.audit': 'Audit log',

  'common.save': 'Save',
  'common.saving': 'Saving…',
  'common.cancel': 'Cancel',
  'common.edit': 'Edit',
  'common.delete': 'Delete',
  'common.confirmDelete': 'Confirm delete',
  'common.yes': 'Yes',
  'common.no': 'No',
  'common.loading': 'Loading…',
  'common.none': '(none)',
  'common.all': 'All',
  'common.retry': 'Retry',
  'common.close': 'Close',
  'common.saved': 'Saved.',
  'common.required': 'Required',

  'error.network': 'Cannot reach the server',
  'error.networkDetail': 'Check the network connection or the server, then try again.',
  'error.unexpected': 'Unexpected error',
  'error.unexpectedDetail': 'The server sent an answer in an unexpected format (status {status}).',
  'error.forbiddenPage': 'You are not allowed to open this page. Ask a system administrator if you need access.',
  'error.notFoundPage': 'Page not found.',
  'error.fieldsBelow': 'Please correct the marked fields.',

  'header.user': 'Signed-in user',
  'header.logout': 'Sign out',

  'login.title': 'Sign in',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.submitting': 'Signing in…',
  'login.intro': 'For officers with an account. Every action is recorded in the audit log.',

  'pw.title': 'Change password',
  'pw.intro': 'You must change your password before you continue.',
  'pw.current': 'Current password',
  'pw.new': 'New password',
  'pw.confirm': 'Repeat the new password',
  'pw.policy': 'At least 12 characters, not your username, with at least 3 of: lowercase, uppercase, digit, symbol.',
  'pw.mismatch': 'The repeated password does not match.',
  'pw.submit': 'Change password',
  'pw.done': 'Password changed.',

  'org.title': 'Organisation',
  'org.treeLabel': 'Unit tree',
  'org.search': 'Filter units',
  'org.searchPlaceholder': 'Unit name or code',
  'org.expandAll': 'Expand all',
  'org.collapseAll': 'Collapse all',
  'org.expand': 'Expand',
  'org.collapse': 'Collapse',
  'org.noMatch': 'No unit matches.',
  'org.empty': 'There are no units yet.',
  'org.count': '{n} units',
  'org.selectHint': 'Select a unit in the tree to see its details.',
  'org.notFound': 'Unit not found.',
  'org.code': 'Unit code',
  'org.kind': 'Unit kind',
  'org.nameVi': 'Vietnamese name',
  'org.nameEn': 'English name',
  'org.timeZone': 'Time zone',
  'org.parent': 'Parent unit',
  'org.root': '(top level)',
  'org.flags': 'Properties',
  'org.hasCameraRoom': 'Has a camera observation room',
  'org.mustRun24x7': 'Runs 24/7',
  'org.external': 'Outside customs',
  'org.designations': 'Designated units',
  'org.designationNone': '(not designated)',
  'org.unknownUnit': 'Unit #{id}',
  'org.createChild': 'Add child unit',
  'org.editUnit': 'Edit unit',
  'org.newUnitUnder': 'New unit under {name}',
  'org.deleteConfirm': 'Delete the unit “{name}”? This cannot be undone.',
  'org.deleted': 'Unit deleted.',
  'org.created': 'Unit created.',

  'designation.lead_supervision_unit': 'Lead unit for online supervision',
  'designation.system_operator': 'System operator',
  'designation.supervision_section': 'Online supervision section / focal unit',
  'designation.duty_watch': 'Unit duty watch',
  'designation.leadership': 'Unit leadership',
  'designation.leadership_focal_point': 'Focal point reporting to headquarters leadership',

  'kind.headquarters': 'Headquarters',
  'kind.leadership': 'Leadership',
  'kind.office': 'Office',
  'kind.department': 'Department',
  'kind.division': 'Division',
  'kind.provincial_department': 'Provincial customs department',
  'kind.branch': 'Branch',
  'kind.team': 'Team',
  'kind.customs_department': 'Customs department',
  'kind.central_unit': 'Central unit',
  'kind.regional_branch': 'Regional branch',
  'kind.border_gate_office': 'Border-gate office',
  'kind.external': 'External unit',

  'role.admin': 'System administrator',
  'role.hq_leader': 'Headquarters leader',
  'role.unit_leader': 'Unit leader',
  'role.shift_leader': 'Shift leader',
  'role.duty_officer': 'Duty officer',
  'role.supervision_officer': 'Online supervision officer',
  'role.office_officer': 'Office officer',
  'role.camera_admin': 'Camera administrator',
  'role.auditor': 'Auditor',
  'role.external_requester': 'External requester',

  'users.title': 'Users',
  'users.username': 'Username',
  'users.fullName': 'Full name',
  'users.unit': 'Unit',
  'users.jobTitle': 'Title',
  'users.roles': 'Roles',
  'users.role': 'Role',
  'users.roleUnit': 'At unit',
  'users.active': 'Active',
  'users.inactive': 'Disabled',
  'users.lastLogin': 'Last sign-in',
  'users.never': 'Never signed in',
  'users.filterUnit': 'Unit',
  'users.filterText': 'Search',
  'users.filterTextPlaceholder': 'Username or full name',
  'users.count': '{n} users',
  'users.empty': 'No user matches.',
  'users.create': 'Add user',
  'users.edit': 'Edit user {username}',
  'users.new': 'New user',
  'users.password': 'Initial password',
  'users.mustChange': 'Must change the password at first sign-in',
  'users.resetPassword': 'Reset password',
  'users.resetHint': 'Leave empty to keep it. After a reset the user must change the password at the next sign-in.',
  'users.addRole': 'Add role',
  'users.removeRole': 'Remove role',
  'users.noRoles': 'No roles yet.',
  'users.created': 'User created.',
  'users.actions': 'Actions',

  'audit.title': 'Audit log',
  'audit.seq': 'Seq',
  'audit.time': 'Time',
  'audit.actor': 'Actor',
  'audit.action': 'Action',
  'audit.actionPrefix': 'Action (starts with)',
  'audit.object': 'Object',
  'audit.objectType': 'Object type',
  'audit.requestId': 'Request ID',
  'audit.ip': 'IP address',
  'audit.details': 'Details',
  'audit.from': 'From date',
  'audit.to': 'To date',
  'audit.datePlaceholder': 'dd/mm/yyyy',
  'audit.badDate': 'Enter the date as dd/mm/yyyy, e.g. 28/11/2026.',
  'audit.apply': 'Filter',
  'audit.reset': 'Clear filters',
  'audit.older': 'Show older entries',
  'audit.noMore': 'The oldest entry is shown.',
  'audit.empty': 'No entry matches.',
  'audit.system': '(system)',
  'audit.tzNote': 'Times are shown in Vietnam time (Asia/Ho_Chi_Minh, UTC+7).',
  'audit.verify': 'Verify chain',
  'audit.verifying': 'Verifying…',
  'audit.verifyOk': 'The audit chain is intact: {n} entries.',
  'audit.verifyBroken': 'The audit chain is broken from entry {seq}.',
  'audit.shown': 'Showing {n} entries',
};

export const dictionaries: Record<Lang, Record<Key, string>> = { vi, en };

const STORAGE_KEY = 'watchfloor.lang';

function initialLang(): Lang {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (saved === 'vi' || saved === 'en') return saved;
  } catch {
    // storage may be disabled; Vietnamese is the default anyway
  }
  return 'vi';
}

let current: Lang = initialLang();
const listeners = new Set<(l: Lang) => void>();

export function getLang(): Lang {
  return current;
}

export function setLang(lang: Lang): void {
  current = lang;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    // not persisted; the choice still holds for this page
  }
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
  for (const l of listeners) l(lang);
}

export function onLangChange(fn: (l: Lang) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Translate `key` in the current (or given) language, filling `{name}` placeholders. */
export function t(key: Key, params?: Record<string, string | number>, lang: Lang = current): string {
  const s = dictionaries[lang][key] ?? dictionaries.vi[key] ?? key;
  if (!params) return s;
  return s.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** Pick the Vietnamese or English member of a bilingual pair, falling back to Vietnamese. */
export function pick(viText: string | null | undefined, enText: string | null | undefined, lang: Lang = current): string {
  if (lang === 'en' && enText) return enText;
  return viText || enText || '';
}
