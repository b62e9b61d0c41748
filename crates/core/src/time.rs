//! UTC timestamps in the one format signing uses: `yyyy-MM-ddTHH:mm:ssZ`.
//! The clock is never read here: callers pass the time in.

use std::fmt;

/// A UTC instant with one-second precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcTime(i64);

/// Days from 1970-01-01 to a civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count from 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

impl UtcTime {
    /// From seconds since the Unix epoch.
    pub const fn from_unix(seconds: i64) -> Self {
        UtcTime(seconds)
    }

    /// Seconds since the Unix epoch.
    pub const fn unix(self) -> i64 {
        self.0
    }

    /// Reads exactly `yyyy-MM-ddTHH:mm:ssZ`; anything else is `None`.
    pub fn parse(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() != 20
            || b[4] != b'-'
            || b[7] != b'-'
            || b[10] != b'T'
            || b[13] != b':'
            || b[16] != b':'
            || b[19] != b'Z'
        {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<i64> {
            let part = s.get(r)?;
            part.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let month_days = [
            31,
            if leap { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        let max_day = *month_days.get(usize::try_from(mo - 1).ok()?)?;
        if !(1..=max_day).contains(&d) || h > 23 || mi > 59 || se > 59 {
            return None;
        }
        Some(UtcTime(
            days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se,
        ))
    }

    /// Seconds between two instants, always positive.
    pub fn distance(self, other: UtcTime) -> u64 {
        self.0.abs_diff(other.0)
    }
}

impl fmt::Display for UtcTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.0.div_euclid(86_400);
        let secs = self.0.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let (h, mi, se) = (secs / 3600, secs % 3600 / 60, secs % 60);
        if !(0..=9999).contains(&y) {
            return write!(f, "{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{se:02}Z");
        }
        // Every timestamp signed goes through here: digits by hand, no formatting machinery.
        let mut buf = *b"0000-00-00T00:00:00Z";
        let mut put = |at: usize, width: usize, mut n: i64| {
            for i in (at..at + width).rev() {
                if let (Some(slot), Ok(digit)) = (buf.get_mut(i), u8::try_from(n % 10)) {
                    *slot = b'0' + digit;
                }
                n /= 10;
            }
        };
        put(0, 4, y);
        put(5, 2, m);
        put(8, 2, d);
        put(11, 2, h);
        put(14, 2, mi);
        put(17, 2, se);
        f.write_str(std::str::from_utf8(&buf).map_err(|_| fmt::Error)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_writes_every_field_with_its_width() {
        let reference = |t: i64| {
            let (y, m, d) = civil_from_days(t.div_euclid(86_400));
            let s = t.rem_euclid(86_400);
            format!(
                "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
                s / 3600,
                s % 3600 / 60,
                s % 60
            )
        };
        // From before year 0 to after 9999, in uneven steps, plus the edges.
        let mut t: i64 = -62_200_000_000;
        while t < 253_500_000_000 {
            assert_eq!(UtcTime(t).to_string(), reference(t));
            t += 7_777_777 + t.rem_euclid(86_399);
        }
        for t in [
            0,
            -1,
            86_399,
            253_402_300_799,
            253_402_300_800,
            -62_167_219_200,
        ] {
            assert_eq!(UtcTime(t).to_string(), reference(t));
        }
        assert_eq!(UtcTime(0).to_string(), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn round_trips() {
        for s in [
            "1970-01-01T00:00:00Z",
            "2023-10-26T10:22:32Z",
            "2024-02-29T23:59:59Z",
            "2000-03-01T00:00:00Z",
        ] {
            assert_eq!(UtcTime::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(
            UtcTime::parse("2024-01-02T03:04:05Z").unwrap().unix(),
            1_704_164_645
        );
    }

    #[test]
    fn refuses_other_shapes() {
        for s in [
            "2023-10-26 10:22:32Z",
            "2023-10-26T10:22:32",
            "2023-02-29T00:00:00Z",
            "2023-13-01T00:00:00Z",
            "2023-10-26T24:00:00Z",
            "+023-10-26T10:22:32Z",
            "2023-10-26T10:22:32.5Z",
            "",
        ] {
            assert!(UtcTime::parse(s).is_none(), "{s}");
        }
    }
}
