// Viet Nam's provincial-level units as they stand since 1 July 2025: 34 (6 centrally-run cities, 28
// provinces), formed by merging WHOLE provinces under Nghị quyết 202/2025/QH15 of the National Assembly
// (sắp xếp đơn vị hành chính cấp tỉnh). The boundary data the console ships (amCharts geodata
// `vietnamLow`) still has the 64 units of before 2008, Hà Tây (VN-15, merged into Hà Nội in 2008) among
// them; each unit below names the old units it is made of, and web/scripts/provinces2025.ts dissolves
// their boundaries into the unit's (src/provinces2025.json, generated and committed).
//
// A merged unit keeps the name and the ISO 3166-2 code of the first of its members (VN-HP for the new
// Hải Phòng = Hải Phòng + Hải Dương). Thừa Thiên–Huế became the city of Huế (VN-26) in 2025, whole.

/** A provincial-level unit (đơn vị hành chính cấp tỉnh) of 2025. */
export interface Unit2025 {
  id: string; // ISO 3166-2, the surviving member's
  name: string;
  nameEn: string;
  /** A centrally-run city (thành phố trực thuộc trung ương), else a province (tỉnh). */
  city: boolean;
  /** The old units of the boundary data it is made of, the surviving one first. */
  members: string[];
}

const city = (id: string, name: string, nameEn: string, members: string[]): Unit2025 => ({ id, name, nameEn, city: true, members });
const province = (id: string, name: string, nameEn: string, members: string[]): Unit2025 => ({ id, name, nameEn, city: false, members });

export const UNITS_2025: Unit2025[] = [
  city('VN-HN', 'Hà Nội', 'Ha Noi', ['VN-HN', 'VN-15']), // + Hà Tây, 2008
  city('VN-26', 'Huế', 'Hue', ['VN-26']),
  city('VN-HP', 'Hải Phòng', 'Hai Phong', ['VN-HP', 'VN-61']), // + Hải Dương
  city('VN-DN', 'Đà Nẵng', 'Da Nang', ['VN-DN', 'VN-27']), // + Quảng Nam
  city('VN-SG', 'Hồ Chí Minh', 'Ho Chi Minh City', ['VN-SG', 'VN-57', 'VN-43']), // + Bình Dương, Bà Rịa–Vũng Tàu
  city('VN-CT', 'Cần Thơ', 'Can Tho', ['VN-CT', 'VN-52', 'VN-73']), // + Sóc Trăng, Hậu Giang
  province('VN-01', 'Lai Châu', 'Lai Chau', ['VN-01']),
  province('VN-71', 'Điện Biên', 'Dien Bien', ['VN-71']),
  province('VN-05', 'Sơn La', 'Son La', ['VN-05']),
  province('VN-09', 'Lạng Sơn', 'Lang Son', ['VN-09']),
  province('VN-13', 'Quảng Ninh', 'Quang Ninh', ['VN-13']),
  province('VN-21', 'Thanh Hóa', 'Thanh Hoa', ['VN-21']),
  province('VN-22', 'Nghệ An', 'Nghe An', ['VN-22']),
  province('VN-23', 'Hà Tĩnh', 'Ha Tinh', ['VN-23']),
  province('VN-04', 'Cao Bằng', 'Cao Bang', ['VN-04']),
  province('VN-07', 'Tuyên Quang', 'Tuyen Quang', ['VN-07', 'VN-03']), // + Hà Giang
  province('VN-02', 'Lào Cai', 'Lao Cai', ['VN-02', 'VN-06']), // + Yên Bái
  province('VN-69', 'Thái Nguyên', 'Thai Nguyen', ['VN-69', 'VN-53']), // + Bắc Kạn
  province('VN-68', 'Phú Thọ', 'Phu Tho', ['VN-68', 'VN-70', 'VN-14']), // + Vĩnh Phúc, Hòa Bình
  province('VN-56', 'Bắc Ninh', 'Bac Ninh', ['VN-56', 'VN-54']), // + Bắc Giang
  province('VN-66', 'Hưng Yên', 'Hung Yen', ['VN-66', 'VN-20']), // + Thái Bình
  province('VN-18', 'Ninh Bình', 'Ninh Binh', ['VN-18', 'VN-63', 'VN-67']), // + Hà Nam, Nam Định
  province('VN-25', 'Quảng Trị', 'Quang Tri', ['VN-25', 'VN-24']), // + Quảng Bình
  province('VN-29', 'Quảng Ngãi', 'Quang Ngai', ['VN-29', 'VN-28']), // + Kon Tum
  province('VN-30', 'Gia Lai', 'Gia Lai', ['VN-30', 'VN-31']), // + Bình Định
  province('VN-34', 'Khánh Hòa', 'Khanh Hoa', ['VN-34', 'VN-36']), // + Ninh Thuận
  province('VN-35', 'Lâm Đồng', 'Lam Dong', ['VN-35', 'VN-72', 'VN-40']), // + Đắk Nông, Bình Thuận
  province('VN-33', 'Đắk Lắk', 'Dak Lak', ['VN-33', 'VN-32']), // + Phú Yên
  province('VN-39', 'Đồng Nai', 'Dong Nai', ['VN-39', 'VN-58']), // + Bình Phước
  province('VN-37', 'Tây Ninh', 'Tay Ninh', ['VN-37', 'VN-41']), // + Long An
  province('VN-49', 'Vĩnh Long', 'Vinh Long', ['VN-49', 'VN-50', 'VN-51']), // + Bến Tre, Trà Vinh
  province('VN-45', 'Đồng Tháp', 'Dong Thap', ['VN-45', 'VN-46']), // + Tiền Giang
  province('VN-59', 'Cà Mau', 'Ca Mau', ['VN-59', 'VN-55']), // + Bạc Liêu
  province('VN-44', 'An Giang', 'An Giang', ['VN-44', 'VN-47']), // + Kiên Giang
];
