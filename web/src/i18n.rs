//! The console's words in English, Simplified Chinese and Bahasa Indonesia, as
//! compile-time tables (a `match` per text: no catalogue to fetch or parse, and what a
//! language lacks fails the build). Core's reasons arrive as codes with arguments
//! ([`rds_backup_core::reason::Reason`]) and are said here in each language.

/// A language of the console.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Bahasa Indonesia.
    Id,
    /// Simplified Chinese.
    ZhCn,
}

impl Lang {
    /// Every language, in the order the selector lists them.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::ZhCn, Lang::Id];

    /// The BCP 47 tag (`<html lang>`, storage, URL).
    pub const fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Id => "id",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// The language's own name, for the selector.
    pub const fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Id => "Bahasa Indonesia",
            Lang::ZhCn => "简体中文",
        }
    }

    /// Reads a tag (`id`, `zh`, `zh-CN`, `zh-Hans`, ...); anything else is English.
    pub fn from_tag(s: &str) -> Lang {
        let primary = s.split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("id") {
            Lang::Id
        } else if primary.eq_ignore_ascii_case("zh") {
            Lang::ZhCn
        } else {
            Lang::En
        }
    }
}

/// Every text of the interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Text {
    Title,
    Subtitle,
    Language,
    Region,
    Instance,
    InstanceHint,
    Engine,
    Storage,
    Method,
    Strategy,
    Type,
    Databases,
    DatabasesHint,
    Retention,
    RetentionDays,
    LongTerm,
    NotSet,
    ChooseEngine,
    ChooseStorage,
    Unavailable,
    Preview,
    ParamsSent,
    HttpRequest,
    NotValidYet,
    Send,
    Sending,
    SendNeedsProxy,
    JobStarted,
    Progress,
    Finished,
    Failed,
    BackupSet,
    Snippets,
    Copy,
    Copied,
    Export,
    Import,
    ImportFailed,
    ComposeOnly,
    Loading,
    StateWarning,
    LockWarning,
    ReadOnlyWarning,
    FixThese,
    WhatItMeans,
    WhatToDo,
    SnapshotSentAsPhysical,
    Reset,
    PickDatabases,
    Policy,
    PolicyHint,
    SignedInAs,
    SignInToken,
    TokenLabel,
    UseToken,
    ForgetToken,
    TokenRefused,
    SignInPortal,
    SignInProxy,
    Checking,
    CheckingHint,
    NotStarted,
    NotStartedHint,
    FailedNext,
    RecentBackups,
    NoRecent,
    OpenInForm,
    Fleet,
    FleetHint,
    FleetRegions,
    FleetTag,
    FleetMatch,
    FleetAny,
    FleetSentHere,
    Intent,
    MakePlan,
    RunPlan,
    ExportCsv,
    PlanId,
    OpenPlan,
    PlanNothing,
    InstanceMatches,
    InstanceNoMatch,
    Searching,
    MoreBelow,
    OnlyChoice,
    ChooseValue,
    Missing,
    ModeDemo,
    ModeLive,
    LocalDisk,
    CloudDisk,
    NotSetDefault,
    NotARegion,
    RetentionWhole,
    NotValidSeePreview,
}

/// The text in a language.
pub fn t(lang: Lang, text: Text) -> &'static str {
    use Text::*;
    match (lang, text) {
        (Lang::En, Title) => "RDS backup console",
        (Lang::Id, Title) => "Konsol pencadangan RDS",
        (Lang::ZhCn, Title) => "RDS 备份控制台",
        (Lang::En, Subtitle) => {
            "Compose a CreateBackup request that the service accepts, then send it through the signing proxy."
        }
        (Lang::Id, Subtitle) => {
            "Susun permintaan CreateBackup yang diterima layanan, lalu kirim melalui proxy penanda tangan."
        }
        (Lang::ZhCn, Subtitle) => "编写一个服务会接受的 CreateBackup 请求，然后通过签名代理发送。",
        (Lang::En, Language) => "Language",
        (Lang::Id, Language) => "Bahasa",
        (Lang::ZhCn, Language) => "语言",
        (Lang::En, Region) => "Region",
        (Lang::Id, Region) => "Wilayah",
        (Lang::ZhCn, Region) => "地域",
        (Lang::En, Instance) => "Instance",
        (Lang::Id, Instance) => "Instance",
        (Lang::ZhCn, Instance) => "实例",
        (Lang::En, InstanceHint) => {
            "Search the region's instances by id, description, engine, storage, tag (key=value) or state, or type an id and choose its engine and storage yourself."
        }
        (Lang::Id, InstanceHint) => {
            "Cari instance di wilayah ini menurut ID, deskripsi, engine, penyimpanan, tag (kunci=nilai) atau status, atau ketik ID lalu pilih engine dan penyimpanannya sendiri."
        }
        (Lang::ZhCn, InstanceHint) => {
            "按 ID、描述、引擎、存储、标签（键=值）或状态搜索本地域的实例，或输入 ID 后自行选择引擎和存储类型。"
        }
        (Lang::En, InstanceMatches) => "{n} instances shown; arrow keys to move, Enter to pick",
        (Lang::Id, InstanceMatches) => {
            "{n} instance ditampilkan; tombol panah untuk berpindah, Enter untuk memilih"
        }
        (Lang::ZhCn, InstanceMatches) => "显示 {n} 个实例；用方向键移动，按 Enter 选择",
        (Lang::En, InstanceNoMatch) => "No instance matches",
        (Lang::Id, InstanceNoMatch) => "Tidak ada instance yang cocok",
        (Lang::ZhCn, InstanceNoMatch) => "没有匹配的实例",
        (Lang::En, Searching) => "Searching…",
        (Lang::Id, Searching) => "Mencari…",
        (Lang::ZhCn, Searching) => "正在搜索…",
        (Lang::En, MoreBelow) => "More are loaded as you scroll",
        (Lang::Id, MoreBelow) => "Lainnya dimuat saat Anda menggulir",
        (Lang::ZhCn, MoreBelow) => "滚动时加载更多",
        (Lang::En, OnlyChoice) => "the only valid choice for {engine} on {storage}",
        (Lang::Id, OnlyChoice) => "satu-satunya pilihan yang valid untuk {engine} di {storage}",
        (Lang::ZhCn, OnlyChoice) => "{engine}（{storage}）唯一有效的选择",
        (Lang::En, ChooseValue) => "(choose)",
        (Lang::Id, ChooseValue) => "(pilih)",
        (Lang::ZhCn, ChooseValue) => "（请选择）",
        (Lang::En, Missing) => "Still to choose:",
        (Lang::Id, Missing) => "Masih perlu dipilih:",
        (Lang::ZhCn, Missing) => "尚需选择：",
        (Lang::En, ModeDemo) => "Demo mode: requests go to a local emulator",
        (Lang::Id, ModeDemo) => "Mode demo: permintaan dikirim ke emulator lokal",
        (Lang::ZhCn, ModeDemo) => "演示模式：请求发送到本地模拟器",
        (Lang::En, ModeLive) => "Live: requests go to Alibaba Cloud with the proxy's credentials",
        (Lang::Id, ModeLive) => {
            "Langsung: permintaan dikirim ke Alibaba Cloud dengan kredensial proxy"
        }
        (Lang::ZhCn, ModeLive) => "正式模式：请求使用代理的凭证发送到阿里云",
        (Lang::En, LocalDisk) => "local disk",
        (Lang::Id, LocalDisk) => "disk lokal",
        (Lang::ZhCn, LocalDisk) => "本地盘",
        (Lang::En, CloudDisk) => "cloud disk",
        (Lang::Id, CloudDisk) => "disk cloud",
        (Lang::ZhCn, CloudDisk) => "云盘",
        (Lang::En, NotSetDefault) => "(not set: {default})",
        (Lang::Id, NotSetDefault) => "(tidak diisi: {default})",
        (Lang::ZhCn, NotSetDefault) => "（未设置：{default}）",
        (Lang::En, NotARegion) => "'{region}' is not a region id",
        (Lang::Id, NotARegion) => "'{region}' bukan ID wilayah",
        (Lang::ZhCn, NotARegion) => "'{region}' 不是地域 ID",
        (Lang::En, RetentionWhole) => "BackupRetentionPeriod must be a whole number of days",
        (Lang::Id, RetentionWhole) => "BackupRetentionPeriod harus berupa jumlah hari bulat",
        (Lang::ZhCn, RetentionWhole) => "BackupRetentionPeriod 必须是整数天数",
        (Lang::En, NotValidSeePreview) => {
            "The request is not valid yet: the preview lists what is missing."
        }
        (Lang::Id, NotValidSeePreview) => {
            "Permintaan belum valid: pratinjau mencantumkan apa yang kurang."
        }
        (Lang::ZhCn, NotValidSeePreview) => "请求尚不完整：预览中列出了缺少的内容。",
        (Lang::En, Engine) => "Engine",
        (Lang::Id, Engine) => "Engine",
        (Lang::ZhCn, Engine) => "引擎",
        (Lang::En, Storage) => "Storage type",
        (Lang::Id, Storage) => "Jenis penyimpanan",
        (Lang::ZhCn, Storage) => "存储类型",
        (Lang::En, Method) => "Backup method",
        (Lang::Id, Method) => "Metode pencadangan",
        (Lang::ZhCn, Method) => "备份方式",
        (Lang::En, Strategy) => "Backup strategy",
        (Lang::Id, Strategy) => "Kebijakan pencadangan",
        (Lang::ZhCn, Strategy) => "备份策略",
        (Lang::En, Type) => "Backup type",
        (Lang::Id, Type) => "Tipe pencadangan",
        (Lang::ZhCn, Type) => "备份类型",
        (Lang::En, Databases) => "Databases",
        (Lang::Id, Databases) => "Database",
        (Lang::ZhCn, Databases) => "数据库",
        (Lang::En, DatabasesHint) => {
            "One or more names, comma separated: lowercase letters, digits and _, up to 16 characters."
        }
        (Lang::Id, DatabasesHint) => {
            "Satu nama atau lebih, dipisahkan koma: huruf kecil, angka dan _, paling banyak 16 karakter."
        }
        (Lang::ZhCn, DatabasesHint) => {
            "一个或多个名称，用逗号分隔：小写字母、数字和 _，最多 16 个字符。"
        }
        (Lang::En, Retention) => "Retention",
        (Lang::Id, Retention) => "Retensi",
        (Lang::ZhCn, Retention) => "保留时间",
        (Lang::En, RetentionDays) => "days (7 to 730)",
        (Lang::Id, RetentionDays) => "hari (7 sampai 730)",
        (Lang::ZhCn, RetentionDays) => "天（7 至 730）",
        (Lang::En, LongTerm) => "Keep long-term",
        (Lang::Id, LongTerm) => "Simpan jangka panjang",
        (Lang::ZhCn, LongTerm) => "长期保留",
        (Lang::En, NotSet) => "(not set)",
        (Lang::Id, NotSet) => "(tidak diisi)",
        (Lang::ZhCn, NotSet) => "（未设置）",
        (Lang::En, ChooseEngine) => "Choose the engine",
        (Lang::Id, ChooseEngine) => "Pilih engine",
        (Lang::ZhCn, ChooseEngine) => "选择引擎",
        (Lang::En, ChooseStorage) => "Choose the storage type",
        (Lang::Id, ChooseStorage) => "Pilih jenis penyimpanan",
        (Lang::ZhCn, ChooseStorage) => "选择存储类型",
        (Lang::En, Unavailable) => "unavailable",
        (Lang::Id, Unavailable) => "tidak tersedia",
        (Lang::ZhCn, Unavailable) => "不可用",
        (Lang::En, Preview) => "Preview",
        (Lang::Id, Preview) => "Pratinjau",
        (Lang::ZhCn, Preview) => "预览",
        (Lang::En, ParamsSent) => "Parameters that will be sent",
        (Lang::Id, ParamsSent) => "Parameter yang akan dikirim",
        (Lang::ZhCn, ParamsSent) => "将发送的参数",
        (Lang::En, HttpRequest) => "HTTP request (V3; the proxy signs it)",
        (Lang::Id, HttpRequest) => "Permintaan HTTP (V3; proxy yang menandatanganinya)",
        (Lang::ZhCn, HttpRequest) => "HTTP 请求（V3；由代理签名）",
        (Lang::En, NotValidYet) => "The request is not valid yet:",
        (Lang::Id, NotValidYet) => "Permintaan belum valid:",
        (Lang::ZhCn, NotValidYet) => "请求尚不完整：",
        (Lang::En, Send) => "Create backup",
        (Lang::Id, Send) => "Buat cadangan",
        (Lang::ZhCn, Send) => "创建备份",
        (Lang::En, Sending) => "Sending…",
        (Lang::Id, Sending) => "Mengirim…",
        (Lang::ZhCn, Sending) => "正在发送…",
        (Lang::En, SendNeedsProxy) => "Sending needs the proxy; composing works without it.",
        (Lang::Id, SendNeedsProxy) => {
            "Pengiriman memerlukan proxy; penyusunan tetap bisa tanpa proxy."
        }
        (Lang::ZhCn, SendNeedsProxy) => "发送需要代理；不连接代理也可以编写请求。",
        (Lang::En, JobStarted) => "Backup job started",
        (Lang::Id, JobStarted) => "Tugas pencadangan dimulai",
        (Lang::ZhCn, JobStarted) => "备份任务已开始",
        (Lang::En, Progress) => "Progress",
        (Lang::Id, Progress) => "Kemajuan",
        (Lang::ZhCn, Progress) => "进度",
        (Lang::En, Finished) => "Finished",
        (Lang::Id, Finished) => "Selesai",
        (Lang::ZhCn, Finished) => "已完成",
        (Lang::En, Failed) => "Failed",
        (Lang::Id, Failed) => "Gagal",
        (Lang::ZhCn, Failed) => "失败",
        (Lang::En, BackupSet) => "Backup set",
        (Lang::Id, BackupSet) => "Set cadangan",
        (Lang::ZhCn, BackupSet) => "备份集",
        (Lang::En, Snippets) => "Snippets",
        (Lang::Id, Snippets) => "Cuplikan kode",
        (Lang::ZhCn, Snippets) => "代码示例",
        (Lang::En, Copy) => "Copy",
        (Lang::Id, Copy) => "Salin",
        (Lang::ZhCn, Copy) => "复制",
        (Lang::En, Copied) => "Copied",
        (Lang::Id, Copied) => "Tersalin",
        (Lang::ZhCn, Copied) => "已复制",
        (Lang::En, Export) => "Export JSON",
        (Lang::Id, Export) => "Ekspor JSON",
        (Lang::ZhCn, Export) => "导出 JSON",
        (Lang::En, Import) => "Import JSON",
        (Lang::Id, Import) => "Impor JSON",
        (Lang::ZhCn, Import) => "导入 JSON",
        (Lang::En, ImportFailed) => "This file is not a request this console can read:",
        (Lang::Id, ImportFailed) => "Berkas ini bukan permintaan yang dapat dibaca konsol:",
        (Lang::ZhCn, ImportFailed) => "无法读取此文件中的请求：",
        (Lang::En, ComposeOnly) => {
            "No proxy answered: compose-only mode. Type the instance id and choose its engine and storage."
        }
        (Lang::Id, ComposeOnly) => {
            "Proxy tidak menjawab: mode susun saja. Ketik ID instance lalu pilih engine dan penyimpanannya."
        }
        (Lang::ZhCn, ComposeOnly) => {
            "没有代理响应：仅编写模式。请输入实例 ID 并选择其引擎和存储类型。"
        }
        (Lang::En, Loading) => "Loading…",
        (Lang::Id, Loading) => "Memuat…",
        (Lang::ZhCn, Loading) => "正在加载…",
        (Lang::En, StateWarning) => {
            "This instance is not Running: the service will refuse the backup (IncorrectDBInstanceState)."
        }
        (Lang::Id, StateWarning) => {
            "Instance ini tidak berstatus Running: layanan akan menolak pencadangan (IncorrectDBInstanceState)."
        }
        (Lang::ZhCn, StateWarning) => {
            "此实例不在运行中：服务会拒绝备份（IncorrectDBInstanceState）。"
        }
        (Lang::En, LockWarning) => {
            "This instance is locked: the service will refuse the backup (IncorrectDBInstanceLockMode.ValueNotSupported)."
        }
        (Lang::Id, LockWarning) => {
            "Instance ini terkunci: layanan akan menolak pencadangan (IncorrectDBInstanceLockMode.ValueNotSupported)."
        }
        (Lang::ZhCn, LockWarning) => {
            "此实例已锁定：服务会拒绝备份（IncorrectDBInstanceLockMode.ValueNotSupported）。"
        }
        (Lang::En, ReadOnlyWarning) => {
            "This is a read-only instance: the service will refuse the backup (ReadDBInstanceNotSupport)."
        }
        (Lang::Id, ReadOnlyWarning) => {
            "Ini instance hanya-baca: layanan akan menolak pencadangan (ReadDBInstanceNotSupport)."
        }
        (Lang::ZhCn, ReadOnlyWarning) => {
            "这是只读实例：服务会拒绝备份（ReadDBInstanceNotSupport）。"
        }
        (Lang::En, FixThese) => "Fix these first",
        (Lang::Id, FixThese) => "Perbaiki dulu",
        (Lang::ZhCn, FixThese) => "请先解决以下问题",
        (Lang::En, WhatItMeans) => "What it means",
        (Lang::Id, WhatItMeans) => "Artinya",
        (Lang::ZhCn, WhatItMeans) => "含义",
        (Lang::En, WhatToDo) => "What to do",
        (Lang::Id, WhatToDo) => "Yang perlu dilakukan",
        (Lang::ZhCn, WhatToDo) => "处理方法",
        (Lang::En, SnapshotSentAsPhysical) => {
            "MariaDB takes snapshot backups; the request says BackupMethod=Physical, as the API requires."
        }
        (Lang::Id, SnapshotSentAsPhysical) => {
            "MariaDB membuat cadangan snapshot; permintaan berisi BackupMethod=Physical, sesuai ketentuan API."
        }
        (Lang::ZhCn, SnapshotSentAsPhysical) => {
            "MariaDB 使用快照备份；按 API 的要求，请求中写作 BackupMethod=Physical。"
        }
        (Lang::En, Reset) => "Start over",
        (Lang::Id, Reset) => "Mulai ulang",
        (Lang::ZhCn, Reset) => "重新开始",
        (Lang::En, PickDatabases) => "The instance's databases",
        (Lang::Id, PickDatabases) => "Database milik instance",
        (Lang::ZhCn, PickDatabases) => "实例的数据库",
        (Lang::En, Policy) => "RAM policy (least privilege)",
        (Lang::Id, Policy) => "Kebijakan RAM (hak minimum)",
        (Lang::ZhCn, Policy) => "RAM 策略（最小权限）",
        (Lang::En, PolicyHint) => {
            "Grants exactly this backup: attach it to the RAM user or role that sends it (the account is left as *)."
        }
        (Lang::Id, PolicyHint) => {
            "Hanya mengizinkan pencadangan ini: pasang pada pengguna atau role RAM yang mengirimnya (akun ditulis *)."
        }
        (Lang::ZhCn, PolicyHint) => {
            "只授予这一次备份的权限：将其附加到发送请求的 RAM 用户或角色（账号保留为 *）。"
        }
        (Lang::En, SignedInAs) => "Signed in as",
        (Lang::Id, SignedInAs) => "Masuk sebagai",
        (Lang::ZhCn, SignedInAs) => "当前登录：",
        (Lang::En, SignInToken) => {
            "This proxy asks who you are: paste the access token its operator gave you."
        }
        (Lang::Id, SignInToken) => {
            "Proxy ini perlu tahu siapa Anda: tempel token akses dari pengelolanya."
        }
        (Lang::ZhCn, SignInToken) => "此代理需要确认您的身份：请粘贴管理员提供的访问令牌。",
        (Lang::En, TokenLabel) => "Access token",
        (Lang::Id, TokenLabel) => "Token akses",
        (Lang::ZhCn, TokenLabel) => "访问令牌",
        (Lang::En, UseToken) => "Use this token",
        (Lang::Id, UseToken) => "Gunakan token ini",
        (Lang::ZhCn, UseToken) => "使用此令牌",
        (Lang::En, ForgetToken) => "Sign out",
        (Lang::Id, ForgetToken) => "Keluar",
        (Lang::ZhCn, ForgetToken) => "退出登录",
        (Lang::En, TokenRefused) => {
            "The proxy did not accept this token: check it and paste it again."
        }
        (Lang::Id, TokenRefused) => "Proxy tidak menerima token ini: periksa lalu tempel lagi.",
        (Lang::ZhCn, TokenRefused) => "代理未接受此令牌：请检查后重新粘贴。",
        (Lang::En, SignInPortal) => {
            "You are not signed in: the page gave this console no valid sign-in token. Sign in to the portal, then reload."
        }
        (Lang::Id, SignInPortal) => {
            "Anda belum masuk: halaman ini tidak memberi konsol token masuk yang sah. Masuk ke portal, lalu muat ulang."
        }
        (Lang::ZhCn, SignInPortal) => {
            "您尚未登录：页面没有为控制台提供有效的登录令牌。请登录门户后重新加载。"
        }
        (Lang::En, SignInProxy) => {
            "You are not signed in, or your session ended: reload the page to sign in again."
        }
        (Lang::Id, SignInProxy) => {
            "Anda belum masuk, atau sesi Anda berakhir: muat ulang halaman untuk masuk lagi."
        }
        (Lang::ZhCn, SignInProxy) => "您尚未登录，或会话已结束：请重新加载页面以再次登录。",
        (Lang::En, Checking) => "Checking whether the backup started…",
        (Lang::Id, Checking) => "Memeriksa apakah pencadangan sudah dimulai…",
        (Lang::ZhCn, Checking) => "正在确认备份是否已开始…",
        (Lang::En, CheckingHint) => {
            "The service's answer was lost on the way. The proxy is asking the service whether the backup started; do not send it again."
        }
        (Lang::Id, CheckingHint) => {
            "Jawaban layanan hilang di jalan. Proxy sedang menanyakan kepada layanan apakah pencadangan sudah dimulai; jangan kirim lagi."
        }
        (Lang::ZhCn, CheckingHint) => {
            "服务的响应在途中丢失。代理正在向服务确认备份是否已开始；请不要重复发送。"
        }
        (Lang::En, NotStarted) => "The backup did not start",
        (Lang::Id, NotStarted) => "Pencadangan tidak dimulai",
        (Lang::ZhCn, NotStarted) => "备份未开始",
        (Lang::En, NotStartedHint) => "Nothing was created: you can send it again.",
        (Lang::Id, NotStartedHint) => "Tidak ada yang dibuat: Anda dapat mengirimnya lagi.",
        (Lang::ZhCn, NotStartedHint) => "没有创建任何内容：可以重新发送。",
        (Lang::En, FailedNext) => {
            "The service ended the job without a backup set. Fix what its reason names, then send again; the instance takes a new backup."
        }
        (Lang::Id, FailedNext) => {
            "Layanan mengakhiri tugas tanpa set cadangan. Perbaiki penyebab yang disebutkan, lalu kirim lagi."
        }
        (Lang::ZhCn, FailedNext) => {
            "服务结束了任务，但没有生成备份集。请先解决原因中提到的问题，然后重新发送；实例会进行一次新的备份。"
        }
        (Lang::En, RecentBackups) => "Recent backups",
        (Lang::Id, RecentBackups) => "Cadangan terbaru",
        (Lang::ZhCn, RecentBackups) => "最近的备份",
        (Lang::En, NoRecent) => "No backup has been sent through this proxy yet.",
        (Lang::Id, NoRecent) => "Belum ada cadangan yang dikirim melalui proxy ini.",
        (Lang::ZhCn, NoRecent) => "尚未通过此代理发送任何备份。",
        (Lang::En, OpenInForm) => "Open in the form",
        (Lang::Id, OpenInForm) => "Buka di formulir",
        (Lang::ZhCn, OpenInForm) => "在表单中打开",
        (Lang::En, Fleet) => "Fleet backups",
        (Lang::Id, Fleet) => "Pencadangan armada",
        (Lang::ZhCn, Fleet) => "批量备份",
        (Lang::En, FleetHint) => {
            "One plan for many instances: each gets the request its engine and storage take, or the reason it cannot, before anything runs."
        }
        (Lang::Id, FleetHint) => {
            "Satu rencana untuk banyak instans: masing-masing mendapat permintaan yang sesuai mesin dan penyimpanannya, atau alasan tidak bisa, sebelum apa pun dijalankan."
        }
        (Lang::ZhCn, FleetHint) => {
            "一个计划覆盖多个实例：在执行之前，每个实例都会得到其引擎和存储所接受的请求，或无法备份的原因。"
        }
        (Lang::En, FleetSentHere) => "sent by this proxy as",
        (Lang::Id, FleetSentHere) => "dikirim oleh proxy ini sebagai",
        (Lang::ZhCn, FleetSentHere) => "由本代理发送，提交编号",
        (Lang::En, FleetRegions) => "Regions (comma separated; empty: all)",
        (Lang::Id, FleetRegions) => "Wilayah (dipisahkan koma; kosong: semua)",
        (Lang::ZhCn, FleetRegions) => "地域（逗号分隔；留空表示全部）",
        (Lang::En, FleetTag) => "Tag (KEY=VALUE)",
        (Lang::Id, FleetTag) => "Tag (KUNCI=NILAI)",
        (Lang::ZhCn, FleetTag) => "标签（键=值）",
        (Lang::En, FleetMatch) => "Id or description (* and ?)",
        (Lang::Id, FleetMatch) => "Id atau deskripsi (* dan ?)",
        (Lang::ZhCn, FleetMatch) => "ID 或描述（* 和 ?）",
        (Lang::En, FleetAny) => "any",
        (Lang::Id, FleetAny) => "apa saja",
        (Lang::ZhCn, FleetAny) => "任意",
        (Lang::En, Intent) => "What to back up",
        (Lang::Id, Intent) => "Yang dicadangkan",
        (Lang::ZhCn, Intent) => "备份内容",
        (Lang::En, MakePlan) => "Preview the plan",
        (Lang::Id, MakePlan) => "Pratinjau rencana",
        (Lang::ZhCn, MakePlan) => "预览计划",
        (Lang::En, RunPlan) => "Run the plan",
        (Lang::Id, RunPlan) => "Jalankan rencana",
        (Lang::ZhCn, RunPlan) => "执行计划",
        (Lang::En, ExportCsv) => "Export CSV",
        (Lang::Id, ExportCsv) => "Ekspor CSV",
        (Lang::ZhCn, ExportCsv) => "导出 CSV",
        (Lang::En, PlanId) => "Plan id",
        (Lang::Id, PlanId) => "Id rencana",
        (Lang::ZhCn, PlanId) => "计划 ID",
        (Lang::En, OpenPlan) => "Open",
        (Lang::Id, OpenPlan) => "Buka",
        (Lang::ZhCn, OpenPlan) => "打开",
        (Lang::En, PlanNothing) => "No instance matches.",
        (Lang::Id, PlanNothing) => "Tidak ada instans yang cocok.",
        (Lang::ZhCn, PlanNothing) => "没有匹配的实例。",
    }
}

/// A submission's state (`sending`, `sent`, ...) in words.
pub fn state_label(lang: Lang, state: &str) -> &'static str {
    match (lang, state) {
        (Lang::En, "sending") => "sending",
        (Lang::Id, "sending") => "mengirim",
        (Lang::ZhCn, "sending") => "正在发送",
        (Lang::En, "sent") => "started",
        (Lang::Id, "sent") => "dimulai",
        (Lang::ZhCn, "sent") => "已开始",
        (Lang::En, "refused") => "refused",
        (Lang::Id, "refused") => "ditolak",
        (Lang::ZhCn, "refused") => "已拒绝",
        (Lang::En, "unknown") => "checking whether it started",
        (Lang::Id, "unknown") => "memeriksa apakah sudah dimulai",
        (Lang::ZhCn, "unknown") => "正在确认是否已开始",
        (Lang::En, "not-started") => "did not start",
        (Lang::Id, "not-started") => "tidak dimulai",
        (Lang::ZhCn, "not-started") => "未开始",
        (Lang::En, _) => "unknown state",
        (Lang::Id, _) => "status tidak dikenal",
        (Lang::ZhCn, _) => "未知状态",
    }
}

/// A backup job's `BackupStatus`, in a language (in English, the service's own word).
pub fn job_status_label(lang: Lang, status: &str) -> String {
    let (id, zh) = match status {
        "NoStart" => ("belum dimulai", "未开始"),
        "Checking" => ("memeriksa", "检查中"),
        "Preparing" => ("menyiapkan", "准备中"),
        "Waiting" => ("menunggu", "等待中"),
        "Uploading" => ("mengunggah", "上传中"),
        "Running" | "Progressing" => ("berjalan", "运行中"),
        "Finished" => ("selesai", "已完成"),
        "Failed" => ("gagal", "失败"),
        "Lost" => ("tidak dilaporkan lagi", "服务不再报告"),
        _ => return status.to_owned(),
    };
    match lang {
        Lang::En => status.to_owned(),
        Lang::Id => id.to_owned(),
        Lang::ZhCn => zh.to_owned(),
    }
}

/// A fleet plan item's state, in a language.
pub fn item_label(lang: Lang, state: &str) -> &'static str {
    match (lang, state) {
        (Lang::En, "planned") => "can run",
        (Lang::Id, "planned") => "dapat dijalankan",
        (Lang::ZhCn, "planned") => "可以执行",
        (Lang::En, "waiting") => "waiting (throttled)",
        (Lang::Id, "waiting") => "menunggu (dibatasi)",
        (Lang::ZhCn, "waiting") => "等待中（被限流）",
        (Lang::En, "sending") => "sending",
        (Lang::Id, "sending") => "mengirim",
        (Lang::ZhCn, "sending") => "正在发送",
        (Lang::En, "unknown") => "checking whether it started",
        (Lang::Id, "unknown") => "memeriksa apakah sudah dimulai",
        (Lang::ZhCn, "unknown") => "正在确认是否已开始",
        (Lang::En, "running") => "running",
        (Lang::Id, "running") => "berjalan",
        (Lang::ZhCn, "running") => "运行中",
        (Lang::En, "finished") => "finished",
        (Lang::Id, "finished") => "selesai",
        (Lang::ZhCn, "finished") => "已完成",
        (Lang::En, "failed") => "failed",
        (Lang::Id, "failed") => "gagal",
        (Lang::ZhCn, "failed") => "失败",
        (Lang::En, "refused") => "refused",
        (Lang::Id, "refused") => "ditolak",
        (Lang::ZhCn, "refused") => "已拒绝",
        (Lang::En, "skipped") => "cannot run",
        (Lang::Id, "skipped") => "tidak dapat dijalankan",
        (Lang::ZhCn, "skipped") => "无法执行",
        (Lang::En, "cancelled") => "cancelled",
        (Lang::Id, "cancelled") => "dibatalkan",
        (Lang::ZhCn, "cancelled") => "已取消",
        (Lang::En, _) => "unknown state",
        (Lang::Id, _) => "status tidak dikenal",
        (Lang::ZhCn, _) => "未知状态",
    }
}

/// What an error code means and what to do about it, in a language; `None` for codes
/// the console has no advice for (the service's message is shown alone).
pub fn advice(lang: Lang, code: &str) -> Option<(&'static str, &'static str)> {
    // The service's throttling codes (`Throttling`, `Throttling.User`, `Throttling.Api`...)
    // mean one thing here: the call was not executed.
    let code = if rds_backup_core::listing::is_throttling(code) {
        "Throttling"
    } else {
        code
    };
    Some(match (lang, code) {
        (Lang::En, "BackupJobExists") => (
            "A backup task is already running on this instance.",
            "Wait until it finishes (its progress is below), then send again.",
        ),
        (Lang::Id, "BackupJobExists") => (
            "Tugas pencadangan sedang berjalan pada instance ini.",
            "Tunggu sampai selesai, lalu kirim lagi.",
        ),
        (Lang::ZhCn, "BackupJobExists") => (
            "此实例上已有备份任务正在运行。",
            "等待其完成（进度见下方）后再发送。",
        ),
        (Lang::En, "Exceeded.BackupTimes") => (
            "The instance already has 20 backup sets today.",
            "Try again tomorrow (UTC), or delete sets you do not need.",
        ),
        (Lang::Id, "Exceeded.BackupTimes") => (
            "Instance ini sudah memiliki 20 set cadangan hari ini.",
            "Coba lagi besok (UTC), atau hapus set yang tidak diperlukan.",
        ),
        (Lang::ZhCn, "Exceeded.BackupTimes") => (
            "此实例今天已有 20 个备份集。",
            "明天（UTC）再试，或删除不需要的备份集。",
        ),
        (Lang::En, "IncorrectDBInstanceState") => (
            "The instance is not in the Running state.",
            "Start the instance, or wait until its current operation ends.",
        ),
        (Lang::Id, "IncorrectDBInstanceState") => (
            "Instance tidak berstatus Running.",
            "Jalankan instance, atau tunggu operasi yang sedang berlangsung selesai.",
        ),
        (Lang::ZhCn, "IncorrectDBInstanceState") => (
            "实例不在运行中（Running）状态。",
            "启动实例，或等待当前操作结束。",
        ),
        (Lang::En, "IncorrectDBInstanceLockMode.ValueNotSupported") => (
            "The instance is locked.",
            "Resolve the lock (expiry, disk quota, restoration) first.",
        ),
        (Lang::Id, "IncorrectDBInstanceLockMode.ValueNotSupported") => (
            "Instance terkunci.",
            "Selesaikan penyebab kunci (masa berlaku, kuota disk, pemulihan) lebih dulu.",
        ),
        (Lang::ZhCn, "IncorrectDBInstanceLockMode.ValueNotSupported") => {
            ("实例已锁定。", "请先解除锁定（到期、磁盘配额、恢复中）。")
        }
        (Lang::En, "ReadDBInstanceNotSupport") => (
            "Read-only instances cannot be backed up this way.",
            "Back up the primary instance instead.",
        ),
        (Lang::Id, "ReadDBInstanceNotSupport") => (
            "Instance hanya-baca tidak dapat dicadangkan dengan cara ini.",
            "Cadangkan instance utamanya.",
        ),
        (Lang::ZhCn, "ReadDBInstanceNotSupport") => {
            ("只读实例不能以这种方式备份。", "请改为备份主实例。")
        }
        (Lang::En, "InvalidDB.NotFound") => (
            "A database in DBName does not exist or is not ready.",
            "Pick the databases from the instance's list.",
        ),
        (Lang::Id, "InvalidDB.NotFound") => (
            "Database pada DBName tidak ada atau belum siap.",
            "Pilih database dari daftar milik instance.",
        ),
        (Lang::ZhCn, "InvalidDB.NotFound") => (
            "DBName 中的某个数据库不存在或尚未就绪。",
            "请从实例的数据库列表中选择。",
        ),
        (Lang::En, "InvalidDBInstanceId.NotFound")
        | (Lang::En, "InvalidDBInstanceName.NotFound") => (
            "No instance with this id in this region.",
            "Check the id and the region.",
        ),
        (Lang::Id, "InvalidDBInstanceId.NotFound")
        | (Lang::Id, "InvalidDBInstanceName.NotFound") => (
            "Tidak ada instance dengan ID ini di wilayah ini.",
            "Periksa ID dan wilayahnya.",
        ),
        (Lang::ZhCn, "InvalidDBInstanceId.NotFound")
        | (Lang::ZhCn, "InvalidDBInstanceName.NotFound") => {
            ("此地域中没有这个 ID 的实例。", "请检查 ID 和地域。")
        }
        (Lang::En, "InvalidBackupMethod.ValueNotSupport") => (
            "This backup method is not available for the instance's engine or storage, or it has no data.",
            "Choose one of the methods offered above.",
        ),
        (Lang::Id, "InvalidBackupMethod.ValueNotSupport") => (
            "Metode ini tidak tersedia untuk engine atau penyimpanan instance, atau instance tidak berisi data.",
            "Pilih salah satu metode yang ditawarkan di atas.",
        ),
        (Lang::ZhCn, "InvalidBackupMethod.ValueNotSupport") => (
            "此备份方式不适用于该实例的引擎或存储，或实例没有数据。",
            "请从上方提供的方式中选择。",
        ),
        (Lang::En, "Forbidden.RAM") => (
            "Your policy on this proxy does not allow a backup of this instance.",
            "Ask the proxy's operator for rds:CreateBackup on it.",
        ),
        (Lang::Id, "Forbidden.RAM") => (
            "Kebijakan Anda pada proxy ini tidak mengizinkan pencadangan instance ini.",
            "Minta izin rds:CreateBackup kepada pengelola proxy.",
        ),
        (Lang::ZhCn, "Forbidden.RAM") => (
            "您在此代理上的策略不允许备份此实例。",
            "请向代理管理员申请该实例的 rds:CreateBackup 权限。",
        ),
        (Lang::En, "Proxy.Unauthorized") => (
            "The proxy does not know who you are: your sign-in is missing, expired or refused.",
            "Sign in again (or paste a valid access token), then send again: nothing was sent.",
        ),
        (Lang::Id, "Proxy.Unauthorized") => (
            "Proxy tidak mengenali Anda: tanda masuk Anda tidak ada, kedaluwarsa, atau ditolak.",
            "Masuk lagi (atau tempel token akses yang sah), lalu kirim lagi: belum ada yang dikirim.",
        ),
        (Lang::ZhCn, "Proxy.Unauthorized") => (
            "代理无法确认您的身份：登录信息缺失、已过期或被拒绝。",
            "请重新登录（或粘贴有效的访问令牌）后再发送：尚未发送任何内容。",
        ),
        (Lang::En, "Proxy.RegionMismatch") => (
            "The instance is in another region than the one chosen.",
            "Choose the instance's own region, then send again: nothing was sent.",
        ),
        (Lang::Id, "Proxy.RegionMismatch") => (
            "Instance berada di wilayah lain dari yang dipilih.",
            "Pilih wilayah instance itu sendiri, lalu kirim lagi: belum ada yang dikirim.",
        ),
        (Lang::ZhCn, "Proxy.RegionMismatch") => (
            "实例所在的地域与所选地域不同。",
            "请选择实例所在的地域后再发送：尚未发送任何内容。",
        ),
        (Lang::En, "Proxy.ForbiddenOrigin") | (Lang::En, "Proxy.MisdirectedRequest") => (
            "The proxy does not take requests from this page's address.",
            "Open the console at the address its operator gave, or ask them to allow this portal (--allow-origin, --public-url).",
        ),
        (Lang::Id, "Proxy.ForbiddenOrigin") | (Lang::Id, "Proxy.MisdirectedRequest") => (
            "Proxy tidak menerima permintaan dari alamat halaman ini.",
            "Buka konsol di alamat dari pengelolanya, atau minta mereka mengizinkan portal ini (--allow-origin, --public-url).",
        ),
        (Lang::ZhCn, "Proxy.ForbiddenOrigin") | (Lang::ZhCn, "Proxy.MisdirectedRequest") => (
            "代理不接受来自此页面地址的请求。",
            "请在管理员提供的地址打开控制台，或请其允许此门户（--allow-origin、--public-url）。",
        ),
        (Lang::En, "Proxy.UpstreamUnreachable") => (
            "The RDS endpoint could not be reached: nothing was sent.",
            "Check the network, then send again.",
        ),
        (Lang::Id, "Proxy.UpstreamUnreachable") => (
            "Endpoint RDS tidak dapat dihubungi: tidak ada yang dikirim.",
            "Periksa jaringan, lalu kirim lagi.",
        ),
        (Lang::ZhCn, "Proxy.UpstreamUnreachable") => (
            "无法连接 RDS 接入点：尚未发送任何内容。",
            "请检查网络后再发送。",
        ),
        (Lang::En, "Proxy.OutcomeUnknown") => (
            "The service's answer was lost: the backup may have started.",
            "Wait: the proxy is finding out, and shows the job if there is one. Do not send again meanwhile.",
        ),
        (Lang::Id, "Proxy.OutcomeUnknown") => (
            "Jawaban layanan hilang: pencadangan mungkin sudah dimulai.",
            "Tunggu: proxy sedang memeriksa dan menampilkan tugasnya bila ada. Jangan kirim lagi.",
        ),
        (Lang::ZhCn, "Proxy.OutcomeUnknown") => (
            "服务的响应丢失：备份可能已经开始。",
            "请等待：代理正在确认，如有任务会显示出来。在此期间请不要重复发送。",
        ),
        (Lang::En, "Proxy.StoreUnavailable") => (
            "The proxy cannot write its record of backups, so it sent nothing.",
            "Ask the proxy's operator to check its database, then send again.",
        ),
        (Lang::Id, "Proxy.StoreUnavailable") => (
            "Proxy tidak dapat menulis catatan cadangannya, jadi tidak mengirim apa pun.",
            "Minta pengelola proxy memeriksa basis datanya, lalu kirim lagi.",
        ),
        (Lang::ZhCn, "Proxy.StoreUnavailable") => (
            "代理无法写入备份记录，因此没有发送任何内容。",
            "请管理员检查其数据库后再发送。",
        ),
        (Lang::En, "SignatureDoesNotMatch") | (Lang::En, "InvalidAccessKeyId.NotFound") => (
            "The proxy's credentials were refused.",
            "Ask the proxy's operator to check its AccessKey.",
        ),
        (Lang::Id, "SignatureDoesNotMatch") | (Lang::Id, "InvalidAccessKeyId.NotFound") => (
            "Kredensial proxy ditolak.",
            "Minta pengelola proxy memeriksa AccessKey-nya.",
        ),
        (Lang::ZhCn, "SignatureDoesNotMatch") | (Lang::ZhCn, "InvalidAccessKeyId.NotFound") => {
            ("代理的凭证被拒绝。", "请代理管理员检查其 AccessKey。")
        }
        (Lang::En, "Throttling") => (
            "The service is limiting the rate of calls: this one was not executed.",
            "Wait a few seconds, then send again.",
        ),
        (Lang::Id, "Throttling") => (
            "Layanan sedang membatasi laju panggilan: panggilan ini tidak dijalankan.",
            "Tunggu beberapa detik, lalu kirim lagi.",
        ),
        (Lang::ZhCn, "Throttling") => (
            "服务正在限制调用频率：本次调用未被执行。",
            "请等待几秒后再发送。",
        ),
        (Lang::En, "Proxy.Overloaded") => (
            "The proxy is busy with other requests: nothing was sent.",
            "Send again in a moment.",
        ),
        (Lang::Id, "Proxy.Overloaded") => (
            "Proxy sedang sibuk dengan permintaan lain: belum ada yang dikirim.",
            "Kirim lagi sebentar lagi.",
        ),
        (Lang::ZhCn, "Proxy.Overloaded") => (
            "代理正忙于处理其他请求：尚未发送任何内容。",
            "请稍后再发送。",
        ),
        (Lang::En, "Proxy.CredentialsUnavailable") => (
            "The proxy has no valid credentials right now: nothing was sent.",
            "Ask the proxy's operator to check its credentials (RAM role, STS), then send again.",
        ),
        (Lang::Id, "Proxy.CredentialsUnavailable") => (
            "Proxy sedang tidak memiliki kredensial yang sah: belum ada yang dikirim.",
            "Minta pengelola proxy memeriksa kredensialnya (RAM role, STS), lalu kirim lagi.",
        ),
        (Lang::ZhCn, "Proxy.CredentialsUnavailable") => (
            "代理当前没有有效的凭证：尚未发送任何内容。",
            "请代理管理员检查其凭证（RAM 角色、STS）后再发送。",
        ),
        (Lang::En, "Proxy.UpstreamTimeout") => (
            "The RDS endpoint did not answer in time.",
            "Try again in a moment.",
        ),
        (Lang::Id, "Proxy.UpstreamTimeout") => (
            "Endpoint RDS tidak menjawab tepat waktu.",
            "Coba lagi sebentar lagi.",
        ),
        (Lang::ZhCn, "Proxy.UpstreamTimeout") => ("RDS 接入点未能及时响应。", "请稍后再试。"),
        (Lang::En, "Proxy.RequestTimeout") => (
            "The proxy gave up on the request: a backup may have started.",
            "Look at the recent backups (or the instance's tasks) before sending again.",
        ),
        (Lang::Id, "Proxy.RequestTimeout") => (
            "Proxy menghentikan permintaan ini: pencadangan mungkin sudah dimulai.",
            "Periksa cadangan terbaru (atau tugas instance) sebelum mengirim lagi.",
        ),
        (Lang::ZhCn, "Proxy.RequestTimeout") => (
            "代理已放弃此请求：备份可能已经开始。",
            "再次发送前，请先查看最近的备份（或实例的任务）。",
        ),
        (Lang::En, "Proxy.CheckTimeout") => (
            "The proxy's checks took longer than a request may: nothing was sent.",
            "Send it again in a moment; if it keeps happening, tell the proxy's operator (the RDS endpoint answers slowly).",
        ),
        (Lang::Id, "Proxy.CheckTimeout") => (
            "Pemeriksaan oleh proxy lebih lama dari batas permintaan: tidak ada yang dikirim.",
            "Kirim lagi sebentar lagi; jika terus terjadi, beri tahu pengelola proxy (endpoint RDS lambat menjawab).",
        ),
        (Lang::ZhCn, "Proxy.CheckTimeout") => (
            "代理的检查超出了请求的时限：未发送任何内容。",
            "请稍后再发送；如果反复出现，请告知代理管理员（RDS 接入点响应缓慢）。",
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_every_text() {
        // `t` is exhaustive by construction; check no text is left in English in Indonesian
        // except the words both languages share.
        let shared = [Text::Instance, Text::Engine];
        for text in [
            Text::Title,
            Text::Send,
            Text::Region,
            Text::Databases,
            Text::Copy,
            Text::LongTerm,
        ] {
            if !shared.contains(&text) {
                assert_ne!(t(Lang::En, text), t(Lang::Id, text), "{text:?}");
            }
        }
        assert_eq!(Lang::from_tag("ID"), Lang::Id);
        assert!(advice(Lang::Id, "BackupJobExists").is_some());
    }

    /// Every code the console advises on is said in each language, in its own words.
    #[test]
    fn every_advised_code_is_said_in_each_language() {
        for code in [
            "BackupJobExists",
            "Exceeded.BackupTimes",
            "IncorrectDBInstanceState",
            "InvalidDB.NotFound",
            "Forbidden.RAM",
            "Proxy.OutcomeUnknown",
            "Proxy.Overloaded",
            "Proxy.CredentialsUnavailable",
            "Proxy.UpstreamTimeout",
            "Proxy.RequestTimeout",
            "Proxy.CheckTimeout",
            "Throttling",
            "Throttling.User",
        ] {
            let en = advice(Lang::En, code).unwrap_or_else(|| panic!("{code}: no advice"));
            for lang in [Lang::Id, Lang::ZhCn] {
                let said = advice(lang, code).unwrap_or_else(|| panic!("{code} {lang:?}"));
                assert_ne!(said.0, en.0, "{code} {lang:?}");
                assert_ne!(said.1, en.1, "{code} {lang:?}");
            }
        }
        assert_eq!(
            advice(Lang::En, "Throttling.User"),
            advice(Lang::En, "Throttling")
        );
        assert_eq!(advice(Lang::En, "ThrottlingX"), None);
    }
}
