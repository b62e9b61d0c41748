//! The console's words in English and Bahasa Indonesia. Rule reasons come from core
//! and stay in English (they quote the API's own terms).

/// A language of the console.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Bahasa Indonesia.
    Id,
}

impl Lang {
    /// The BCP 47 tag (`<html lang>`, storage, URL).
    pub const fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Id => "id",
        }
    }

    /// Reads a tag; anything but `id` is English.
    pub fn from_tag(s: &str) -> Lang {
        if s.eq_ignore_ascii_case("id") {
            Lang::Id
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
}

/// The text in a language.
pub fn t(lang: Lang, text: Text) -> &'static str {
    use Text::*;
    match (lang, text) {
        (Lang::En, Title) => "RDS backup console",
        (Lang::Id, Title) => "Konsol pencadangan RDS",
        (Lang::En, Subtitle) => {
            "Compose a CreateBackup request that the service accepts, then send it through the signing proxy."
        }
        (Lang::Id, Subtitle) => {
            "Susun permintaan CreateBackup yang diterima layanan, lalu kirim melalui proxy penanda tangan."
        }
        (Lang::En, Language) => "Language",
        (Lang::Id, Language) => "Bahasa",
        (Lang::En, Region) => "Region",
        (Lang::Id, Region) => "Wilayah",
        (Lang::En, Instance) => "Instance",
        (Lang::Id, Instance) => "Instance",
        (Lang::En, InstanceHint) => {
            "Search the region's instances by id, description, engine, storage, tag (key=value) or state, or type an id and choose its engine and storage yourself."
        }
        (Lang::Id, InstanceHint) => {
            "Cari instance di wilayah ini menurut ID, deskripsi, engine, penyimpanan, tag (kunci=nilai) atau status, atau ketik ID lalu pilih engine dan penyimpanannya sendiri."
        }
        (Lang::En, InstanceMatches) => "{n} instances shown; arrow keys to move, Enter to pick",
        (Lang::Id, InstanceMatches) => {
            "{n} instance ditampilkan; tombol panah untuk berpindah, Enter untuk memilih"
        }
        (Lang::En, InstanceNoMatch) => "No instance matches",
        (Lang::Id, InstanceNoMatch) => "Tidak ada instance yang cocok",
        (Lang::En, Searching) => "Searching…",
        (Lang::Id, Searching) => "Mencari…",
        (Lang::En, MoreBelow) => "More are loaded as you scroll",
        (Lang::Id, MoreBelow) => "Lainnya dimuat saat Anda menggulir",
        (Lang::En, OnlyChoice) => "the only valid choice for {engine} on {storage}",
        (Lang::Id, OnlyChoice) => "satu-satunya pilihan yang valid untuk {engine} di {storage}",
        (Lang::En, ChooseValue) => "(choose)",
        (Lang::Id, ChooseValue) => "(pilih)",
        (Lang::En, Missing) => "Still to choose:",
        (Lang::Id, Missing) => "Masih perlu dipilih:",
        (Lang::En, Engine) => "Engine",
        (Lang::Id, Engine) => "Engine",
        (Lang::En, Storage) => "Storage type",
        (Lang::Id, Storage) => "Jenis penyimpanan",
        (Lang::En, Method) => "Backup method",
        (Lang::Id, Method) => "Metode pencadangan",
        (Lang::En, Strategy) => "Backup strategy",
        (Lang::Id, Strategy) => "Kebijakan pencadangan",
        (Lang::En, Type) => "Backup type",
        (Lang::Id, Type) => "Tipe pencadangan",
        (Lang::En, Databases) => "Databases",
        (Lang::Id, Databases) => "Database",
        (Lang::En, DatabasesHint) => {
            "One or more names, comma separated: lowercase letters, digits and _, up to 16 characters."
        }
        (Lang::Id, DatabasesHint) => {
            "Satu nama atau lebih, dipisahkan koma: huruf kecil, angka dan _, paling banyak 16 karakter."
        }
        (Lang::En, Retention) => "Retention",
        (Lang::Id, Retention) => "Retensi",
        (Lang::En, RetentionDays) => "days (7 to 730)",
        (Lang::Id, RetentionDays) => "hari (7 sampai 730)",
        (Lang::En, LongTerm) => "Keep long-term",
        (Lang::Id, LongTerm) => "Simpan jangka panjang",
        (Lang::En, NotSet) => "(not set)",
        (Lang::Id, NotSet) => "(tidak diisi)",
        (Lang::En, ChooseEngine) => "Choose the engine",
        (Lang::Id, ChooseEngine) => "Pilih engine",
        (Lang::En, ChooseStorage) => "Choose the storage type",
        (Lang::Id, ChooseStorage) => "Pilih jenis penyimpanan",
        (Lang::En, Unavailable) => "unavailable",
        (Lang::Id, Unavailable) => "tidak tersedia",
        (Lang::En, Preview) => "Preview",
        (Lang::Id, Preview) => "Pratinjau",
        (Lang::En, ParamsSent) => "Parameters that will be sent",
        (Lang::Id, ParamsSent) => "Parameter yang akan dikirim",
        (Lang::En, HttpRequest) => "HTTP request (V3; the proxy signs it)",
        (Lang::Id, HttpRequest) => "Permintaan HTTP (V3; proxy yang menandatanganinya)",
        (Lang::En, NotValidYet) => "The request is not valid yet:",
        (Lang::Id, NotValidYet) => "Permintaan belum valid:",
        (Lang::En, Send) => "Create backup",
        (Lang::Id, Send) => "Buat cadangan",
        (Lang::En, Sending) => "Sending…",
        (Lang::Id, Sending) => "Mengirim…",
        (Lang::En, SendNeedsProxy) => "Sending needs the proxy; composing works without it.",
        (Lang::Id, SendNeedsProxy) => {
            "Pengiriman memerlukan proxy; penyusunan tetap bisa tanpa proxy."
        }
        (Lang::En, JobStarted) => "Backup job started",
        (Lang::Id, JobStarted) => "Tugas pencadangan dimulai",
        (Lang::En, Progress) => "Progress",
        (Lang::Id, Progress) => "Kemajuan",
        (Lang::En, Finished) => "Finished",
        (Lang::Id, Finished) => "Selesai",
        (Lang::En, Failed) => "Failed",
        (Lang::Id, Failed) => "Gagal",
        (Lang::En, BackupSet) => "Backup set",
        (Lang::Id, BackupSet) => "Set cadangan",
        (Lang::En, Snippets) => "Snippets",
        (Lang::Id, Snippets) => "Cuplikan kode",
        (Lang::En, Copy) => "Copy",
        (Lang::Id, Copy) => "Salin",
        (Lang::En, Copied) => "Copied",
        (Lang::Id, Copied) => "Tersalin",
        (Lang::En, Export) => "Export JSON",
        (Lang::Id, Export) => "Ekspor JSON",
        (Lang::En, Import) => "Import JSON",
        (Lang::Id, Import) => "Impor JSON",
        (Lang::En, ImportFailed) => "This file is not a request this console can read:",
        (Lang::Id, ImportFailed) => "Berkas ini bukan permintaan yang dapat dibaca konsol:",
        (Lang::En, ComposeOnly) => {
            "No proxy answered: compose-only mode. Type the instance id and choose its engine and storage."
        }
        (Lang::Id, ComposeOnly) => {
            "Proxy tidak menjawab: mode susun saja. Ketik ID instance lalu pilih engine dan penyimpanannya."
        }
        (Lang::En, Loading) => "Loading…",
        (Lang::Id, Loading) => "Memuat…",
        (Lang::En, StateWarning) => {
            "This instance is not Running: the service will refuse the backup (IncorrectDBInstanceState)."
        }
        (Lang::Id, StateWarning) => {
            "Instance ini tidak berstatus Running: layanan akan menolak pencadangan (IncorrectDBInstanceState)."
        }
        (Lang::En, LockWarning) => {
            "This instance is locked: the service will refuse the backup (IncorrectDBInstanceLockMode.ValueNotSupported)."
        }
        (Lang::Id, LockWarning) => {
            "Instance ini terkunci: layanan akan menolak pencadangan (IncorrectDBInstanceLockMode.ValueNotSupported)."
        }
        (Lang::En, ReadOnlyWarning) => {
            "This is a read-only instance: the service will refuse the backup (ReadDBInstanceNotSupport)."
        }
        (Lang::Id, ReadOnlyWarning) => {
            "Ini instance hanya-baca: layanan akan menolak pencadangan (ReadDBInstanceNotSupport)."
        }
        (Lang::En, FixThese) => "Fix these first",
        (Lang::Id, FixThese) => "Perbaiki dulu",
        (Lang::En, WhatItMeans) => "What it means",
        (Lang::Id, WhatItMeans) => "Artinya",
        (Lang::En, WhatToDo) => "What to do",
        (Lang::Id, WhatToDo) => "Yang perlu dilakukan",
        (Lang::En, SnapshotSentAsPhysical) => {
            "MariaDB takes snapshot backups; the request says BackupMethod=Physical, as the API requires."
        }
        (Lang::Id, SnapshotSentAsPhysical) => {
            "MariaDB membuat cadangan snapshot; permintaan berisi BackupMethod=Physical, sesuai ketentuan API."
        }
        (Lang::En, Reset) => "Start over",
        (Lang::Id, Reset) => "Mulai ulang",
        (Lang::En, PickDatabases) => "The instance's databases",
        (Lang::Id, PickDatabases) => "Database milik instance",
        (Lang::En, Policy) => "RAM policy (least privilege)",
        (Lang::Id, Policy) => "Kebijakan RAM (hak minimum)",
        (Lang::En, PolicyHint) => {
            "Grants exactly this backup: attach it to the RAM user or role that sends it (the account is left as *)."
        }
        (Lang::Id, PolicyHint) => {
            "Hanya mengizinkan pencadangan ini: pasang pada pengguna atau role RAM yang mengirimnya (akun ditulis *)."
        }
        (Lang::En, SignedInAs) => "Signed in as",
        (Lang::Id, SignedInAs) => "Masuk sebagai",
        (Lang::En, SignInToken) => {
            "This proxy asks who you are: paste the access token its operator gave you."
        }
        (Lang::Id, SignInToken) => {
            "Proxy ini perlu tahu siapa Anda: tempel token akses dari pengelolanya."
        }
        (Lang::En, TokenLabel) => "Access token",
        (Lang::Id, TokenLabel) => "Token akses",
        (Lang::En, UseToken) => "Use this token",
        (Lang::Id, UseToken) => "Gunakan token ini",
        (Lang::En, ForgetToken) => "Sign out",
        (Lang::Id, ForgetToken) => "Keluar",
        (Lang::En, TokenRefused) => {
            "The proxy did not accept this token: check it and paste it again."
        }
        (Lang::Id, TokenRefused) => "Proxy tidak menerima token ini: periksa lalu tempel lagi.",
        (Lang::En, SignInPortal) => {
            "You are not signed in: the page gave this console no valid sign-in token. Sign in to the portal, then reload."
        }
        (Lang::Id, SignInPortal) => {
            "Anda belum masuk: halaman ini tidak memberi konsol token masuk yang sah. Masuk ke portal, lalu muat ulang."
        }
        (Lang::En, SignInProxy) => {
            "You are not signed in, or your session ended: reload the page to sign in again."
        }
        (Lang::Id, SignInProxy) => {
            "Anda belum masuk, atau sesi Anda berakhir: muat ulang halaman untuk masuk lagi."
        }
        (Lang::En, Checking) => "Checking whether the backup started…",
        (Lang::Id, Checking) => "Memeriksa apakah pencadangan sudah dimulai…",
        (Lang::En, CheckingHint) => {
            "The service's answer was lost on the way. The proxy is asking the service whether the backup started; do not send it again."
        }
        (Lang::Id, CheckingHint) => {
            "Jawaban layanan hilang di jalan. Proxy sedang menanyakan kepada layanan apakah pencadangan sudah dimulai; jangan kirim lagi."
        }
        (Lang::En, NotStarted) => "The backup did not start",
        (Lang::Id, NotStarted) => "Pencadangan tidak dimulai",
        (Lang::En, NotStartedHint) => "Nothing was created: you can send it again.",
        (Lang::Id, NotStartedHint) => "Tidak ada yang dibuat: Anda dapat mengirimnya lagi.",
        (Lang::En, FailedNext) => {
            "The service ended the job without a backup set. Fix what its reason names, then send again; the instance takes a new backup."
        }
        (Lang::Id, FailedNext) => {
            "Layanan mengakhiri tugas tanpa set cadangan. Perbaiki penyebab yang disebutkan, lalu kirim lagi."
        }
        (Lang::En, RecentBackups) => "Recent backups",
        (Lang::Id, RecentBackups) => "Cadangan terbaru",
        (Lang::En, NoRecent) => "No backup has been sent through this proxy yet.",
        (Lang::Id, NoRecent) => "Belum ada cadangan yang dikirim melalui proxy ini.",
        (Lang::En, OpenInForm) => "Open in the form",
        (Lang::Id, OpenInForm) => "Buka di formulir",
        (Lang::En, Fleet) => "Fleet backups",
        (Lang::Id, Fleet) => "Pencadangan armada",
        (Lang::En, FleetHint) => {
            "One plan for many instances: each gets the request its engine and storage take, or the reason it cannot, before anything runs."
        }
        (Lang::Id, FleetHint) => {
            "Satu rencana untuk banyak instans: masing-masing mendapat permintaan yang sesuai mesin dan penyimpanannya, atau alasan tidak bisa, sebelum apa pun dijalankan."
        }
        (Lang::En, FleetRegions) => "Regions (comma separated; empty: all)",
        (Lang::Id, FleetRegions) => "Wilayah (dipisahkan koma; kosong: semua)",
        (Lang::En, FleetTag) => "Tag (KEY=VALUE)",
        (Lang::Id, FleetTag) => "Tag (KUNCI=NILAI)",
        (Lang::En, FleetMatch) => "Id or description (* and ?)",
        (Lang::Id, FleetMatch) => "Id atau deskripsi (* dan ?)",
        (Lang::En, FleetAny) => "any",
        (Lang::Id, FleetAny) => "apa saja",
        (Lang::En, Intent) => "What to back up",
        (Lang::Id, Intent) => "Yang dicadangkan",
        (Lang::En, MakePlan) => "Preview the plan",
        (Lang::Id, MakePlan) => "Pratinjau rencana",
        (Lang::En, RunPlan) => "Run the plan",
        (Lang::Id, RunPlan) => "Jalankan rencana",
        (Lang::En, ExportCsv) => "Export CSV",
        (Lang::Id, ExportCsv) => "Ekspor CSV",
        (Lang::En, PlanId) => "Plan id",
        (Lang::Id, PlanId) => "Id rencana",
        (Lang::En, OpenPlan) => "Open",
        (Lang::Id, OpenPlan) => "Buka",
        (Lang::En, PlanNothing) => "No instance matches.",
        (Lang::Id, PlanNothing) => "Tidak ada instans yang cocok.",
    }
}

/// A submission's state (`sending`, `sent`, ...) in words.
pub fn state_label(lang: Lang, state: &str) -> &'static str {
    match (lang, state) {
        (Lang::En, "sending") => "sending",
        (Lang::Id, "sending") => "mengirim",
        (Lang::En, "sent") => "started",
        (Lang::Id, "sent") => "dimulai",
        (Lang::En, "refused") => "refused",
        (Lang::Id, "refused") => "ditolak",
        (Lang::En, "unknown") => "checking whether it started",
        (Lang::Id, "unknown") => "memeriksa apakah sudah dimulai",
        (Lang::En, "not-started") => "did not start",
        (Lang::Id, "not-started") => "tidak dimulai",
        (Lang::En, _) => "unknown state",
        (Lang::Id, _) => "status tidak dikenal",
    }
}

/// A fleet plan item's state, in a language.
pub fn item_label(lang: Lang, state: &str) -> &'static str {
    match (lang, state) {
        (Lang::En, "planned") => "can run",
        (Lang::Id, "planned") => "dapat dijalankan",
        (Lang::En, "waiting") => "waiting (throttled)",
        (Lang::Id, "waiting") => "menunggu (dibatasi)",
        (Lang::En, "sending") => "sending",
        (Lang::Id, "sending") => "mengirim",
        (Lang::En, "unknown") => "checking whether it started",
        (Lang::Id, "unknown") => "memeriksa apakah sudah dimulai",
        (Lang::En, "running") => "running",
        (Lang::Id, "running") => "berjalan",
        (Lang::En, "finished") => "finished",
        (Lang::Id, "finished") => "selesai",
        (Lang::En, "failed") => "failed",
        (Lang::Id, "failed") => "gagal",
        (Lang::En, "refused") => "refused",
        (Lang::Id, "refused") => "ditolak",
        (Lang::En, "skipped") => "cannot run",
        (Lang::Id, "skipped") => "tidak dapat dijalankan",
        (Lang::En, "cancelled") => "cancelled",
        (Lang::Id, "cancelled") => "dibatalkan",
        (Lang::En, _) => "unknown state",
        (Lang::Id, _) => "status tidak dikenal",
    }
}

/// What an error code means and what to do about it, in a language; `None` for codes
/// the console has no advice for (the service's message is shown alone).
pub fn advice(lang: Lang, code: &str) -> Option<(&'static str, &'static str)> {
    Some(match (lang, code) {
        (Lang::En, "BackupJobExists") => (
            "A backup task is already running on this instance.",
            "Wait until it finishes (its progress is below), then send again.",
        ),
        (Lang::Id, "BackupJobExists") => (
            "Tugas pencadangan sedang berjalan pada instance ini.",
            "Tunggu sampai selesai, lalu kirim lagi.",
        ),
        (Lang::En, "Exceeded.BackupTimes") => (
            "The instance already has 20 backup sets today.",
            "Try again tomorrow (UTC), or delete sets you do not need.",
        ),
        (Lang::Id, "Exceeded.BackupTimes") => (
            "Instance ini sudah memiliki 20 set cadangan hari ini.",
            "Coba lagi besok (UTC), atau hapus set yang tidak diperlukan.",
        ),
        (Lang::En, "IncorrectDBInstanceState") => (
            "The instance is not in the Running state.",
            "Start the instance, or wait until its current operation ends.",
        ),
        (Lang::Id, "IncorrectDBInstanceState") => (
            "Instance tidak berstatus Running.",
            "Jalankan instance, atau tunggu operasi yang sedang berlangsung selesai.",
        ),
        (Lang::En, "IncorrectDBInstanceLockMode.ValueNotSupported") => (
            "The instance is locked.",
            "Resolve the lock (expiry, disk quota, restoration) first.",
        ),
        (Lang::Id, "IncorrectDBInstanceLockMode.ValueNotSupported") => (
            "Instance terkunci.",
            "Selesaikan penyebab kunci (masa berlaku, kuota disk, pemulihan) lebih dulu.",
        ),
        (Lang::En, "ReadDBInstanceNotSupport") => (
            "Read-only instances cannot be backed up this way.",
            "Back up the primary instance instead.",
        ),
        (Lang::Id, "ReadDBInstanceNotSupport") => (
            "Instance hanya-baca tidak dapat dicadangkan dengan cara ini.",
            "Cadangkan instance utamanya.",
        ),
        (Lang::En, "InvalidDB.NotFound") => (
            "A database in DBName does not exist or is not ready.",
            "Pick the databases from the instance's list.",
        ),
        (Lang::Id, "InvalidDB.NotFound") => (
            "Database pada DBName tidak ada atau belum siap.",
            "Pilih database dari daftar milik instance.",
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
        (Lang::En, "InvalidBackupMethod.ValueNotSupport") => (
            "This backup method is not available for the instance's engine or storage, or it has no data.",
            "Choose one of the methods offered above.",
        ),
        (Lang::Id, "InvalidBackupMethod.ValueNotSupport") => (
            "Metode ini tidak tersedia untuk engine atau penyimpanan instance, atau instance tidak berisi data.",
            "Pilih salah satu metode yang ditawarkan di atas.",
        ),
        (Lang::En, "Forbidden.RAM") => (
            "Your policy on this proxy does not allow a backup of this instance.",
            "Ask the proxy's operator for rds:CreateBackup on it.",
        ),
        (Lang::Id, "Forbidden.RAM") => (
            "Kebijakan Anda pada proxy ini tidak mengizinkan pencadangan instance ini.",
            "Minta izin rds:CreateBackup kepada pengelola proxy.",
        ),
        (Lang::En, "Proxy.Unauthorized") => (
            "The proxy does not know who you are: your sign-in is missing, expired or refused.",
            "Sign in again (or paste a valid access token), then send again: nothing was sent.",
        ),
        (Lang::Id, "Proxy.Unauthorized") => (
            "Proxy tidak mengenali Anda: tanda masuk Anda tidak ada, kedaluwarsa, atau ditolak.",
            "Masuk lagi (atau tempel token akses yang sah), lalu kirim lagi: belum ada yang dikirim.",
        ),
        (Lang::En, "Proxy.RegionMismatch") => (
            "The instance is in another region than the one chosen.",
            "Choose the instance's own region, then send again: nothing was sent.",
        ),
        (Lang::Id, "Proxy.RegionMismatch") => (
            "Instance berada di wilayah lain dari yang dipilih.",
            "Pilih wilayah instance itu sendiri, lalu kirim lagi: belum ada yang dikirim.",
        ),
        (Lang::En, "Proxy.ForbiddenOrigin") | (Lang::En, "Proxy.MisdirectedRequest") => (
            "The proxy does not take requests from this page's address.",
            "Open the console at the address its operator gave, or ask them to allow this portal (--allow-origin, --public-url).",
        ),
        (Lang::Id, "Proxy.ForbiddenOrigin") | (Lang::Id, "Proxy.MisdirectedRequest") => (
            "Proxy tidak menerima permintaan dari alamat halaman ini.",
            "Buka konsol di alamat dari pengelolanya, atau minta mereka mengizinkan portal ini (--allow-origin, --public-url).",
        ),
        (Lang::En, "Proxy.UpstreamUnreachable") => (
            "The RDS endpoint could not be reached: nothing was sent.",
            "Check the network, then send again.",
        ),
        (Lang::Id, "Proxy.UpstreamUnreachable") => (
            "Endpoint RDS tidak dapat dihubungi: tidak ada yang dikirim.",
            "Periksa jaringan, lalu kirim lagi.",
        ),
        (Lang::En, "Proxy.OutcomeUnknown") => (
            "The service's answer was lost: the backup may have started.",
            "Wait: the proxy is finding out, and shows the job if there is one. Do not send again meanwhile.",
        ),
        (Lang::Id, "Proxy.OutcomeUnknown") => (
            "Jawaban layanan hilang: pencadangan mungkin sudah dimulai.",
            "Tunggu: proxy sedang memeriksa dan menampilkan tugasnya bila ada. Jangan kirim lagi.",
        ),
        (Lang::En, "Proxy.StoreUnavailable") => (
            "The proxy cannot write its record of backups, so it sent nothing.",
            "Ask the proxy's operator to check its database, then send again.",
        ),
        (Lang::Id, "Proxy.StoreUnavailable") => (
            "Proxy tidak dapat menulis catatan cadangannya, jadi tidak mengirim apa pun.",
            "Minta pengelola proxy memeriksa basis datanya, lalu kirim lagi.",
        ),
        (Lang::En, "SignatureDoesNotMatch") | (Lang::En, "InvalidAccessKeyId.NotFound") => (
            "The proxy's credentials were refused.",
            "Ask the proxy's operator to check its AccessKey.",
        ),
        (Lang::Id, "SignatureDoesNotMatch") | (Lang::Id, "InvalidAccessKeyId.NotFound") => (
            "Kredensial proxy ditolak.",
            "Minta pengelola proxy memeriksa AccessKey-nya.",
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
}
