//! The leaders' reminder digest: built from a school's progress, handed to
//! whatever sends it.

use super::*;

/// A school's digest for leaders: what falls due in the next `days` and
/// who has not met it.
pub fn digest_of(p: &SchoolProgress, days: u32) -> lingyan_domain::duties::reminders::Digest {
    lingyan_domain::duties::reminders::digest(
        &p.rules,
        p.teachers.iter().map(|t| (t.teacher_id, t.results.as_slice())),
        p.as_of,
        days,
    )
}

/// Delivers digests: the CLI prints them; mail or WeChat senders plug in
/// here later. Each call gets one school's progress and its digest.
pub trait DigestSender {
    fn send(
        &mut self,
        school: &SchoolProgress,
        digest: &lingyan_domain::duties::reminders::Digest,
    ) -> Result<()>;
}

/// Computes and hands every readable school's digest in a district to
/// `sender`, one school at a time. Returns how many were sent (schools
/// with nothing due are skipped).
pub async fn send_digests(
    store: &Store,
    scope: &Scope,
    district_id: i64,
    as_of: NaiveDate,
    days: u32,
    sender: &mut dyn DigestSender,
) -> Result<usize> {
    let mut sent = 0;
    district(
        store,
        scope,
        district_id,
        as_of,
        &ProgressFilter::default(),
        |p| {
            let d = digest_of(&p, days);
            if !d.lines.is_empty() {
                sender.send(&p, &d)?;
                sent += 1;
            }
            Ok(())
        },
    )
    .await?;
    Ok(sent)
}
