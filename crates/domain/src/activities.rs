//! Training activities (培训活动): the types a school or district runs, and
//! which of them count as training at all.
//!
//! Seed 002 篇3: ordinary staff meetings, political study and outings are
//! not school-based training and earn no credits, whatever they are called;
//! "meeting instead of training" (以会代训) counts only when a leader marks
//! the meeting with its training content.

pub mod attendance;
pub mod plan;
#[cfg(test)]
mod tests_attendance;

use crate::codes::coded_enum;
use crate::error::FieldError;

coded_enum!(
    /// What kind of activity it is. The English names live in the locale
    /// files (`activity_types.<code>`).
    ActivityType, "unknown_activity_type", {
        /// 专家讲座
        ExpertLecture = "expert_lecture", "专家讲座", ["讲座", "专题讲座", "专家报告"];
        /// 校本培训 (a session of the school's own training)
        SchoolTraining = "school_training", "校本培训", ["校本研训", "校本研修", "校本培训活动"];
        /// 教研活动 (every Tuesday's or Wednesday's)
        TeachingResearch = "teaching_research", "教研活动", ["教研", "主题教研"];
        /// 集体备课
        LessonPrep = "lesson_prep", "集体备课", ["备课"];
        /// 开放日
        OpenDay = "open_day", "开放日", ["教学开放日", "开放周"];
        /// 观课议课 / 听评课活动
        Observation = "observation", "观课议课", ["听评课", "听课评课", "观摩课"];
        /// 比赛: 大比武, 基本功竞赛, "创新杯"
        Competition = "competition", "教学比赛", ["比赛", "竞赛", "大比武", "基本功竞赛"];
        /// 读书沙龙
        ReadingSalon = "reading_salon", "读书沙龙", ["读书会", "读书报告会"];
        /// 教师论坛
        Forum = "forum", "教师论坛", ["论坛", "名师论坛"];
        /// 学术沙龙
        AcademicSalon = "academic_salon", "学术沙龙", ["沙龙"];
        /// 案例研讨
        CaseStudy = "case_study", "案例研讨", ["案例分析"];
        /// 经验交流会
        Exchange = "exchange", "经验交流会", ["经验交流", "交流会"];
        /// 仪式 (拜师仪式, 表彰会)
        Ceremony = "ceremony", "仪式", ["拜师仪式", "表彰会"];
        /// 考察学习
        StudyVisit = "study_visit", "考察学习", ["外出考察", "外出学习"];
        /// 网络课程 / 网络研修
        OnlineCourse = "online_course", "网络课程", ["网络研修", "网络培训", "线上课程"];
        /// 送教下乡
        SendTeaching = "send_teaching", "送教活动", ["送教", "送教下乡", "送课下乡"];
        /// 师徒活动周
        MentoringWeek = "mentoring_week", "师徒活动周", ["师徒结对活动周"];
        /// 优质课巡展 / 示范课巡回
        DemoTour = "demo_tour", "优质课巡展", ["巡展", "示范课巡展"];
        /// 集中培训 / 专题培训 (a course run by the district or outside)
        Course = "course", "集中培训", ["专题培训", "培训班", "研修班"];
        /// 以会代训: a meeting that counts only when marked with its training content
        MeetingTraining = "meeting_training", "以会代训", [];
        /// 工作例会 — never training
        StaffMeeting = "staff_meeting", "工作例会", ["例会", "教职工会议", "全体教师会"];
        /// 政治学习 — never training
        PoliticalStudy = "political_study", "政治学习", ["理论学习"];
        /// 外出休养 / 团建 — never training
        Outing = "outing", "外出休养", ["休养", "团建", "疗休养"];
    }
);

impl ActivityType {
    /// Whether an activity of this type can grant credits at all. Staff
    /// meetings, political study and outings never do (seed 002 篇3);
    /// 以会代训 does only when marked with training content
    /// ([`Self::credits_when`]).
    pub fn counts_as_training(self) -> bool {
        !matches!(
            self,
            ActivityType::StaffMeeting | ActivityType::PoliticalStudy | ActivityType::Outing
        )
    }

    /// Whether an activity of this type, marked or not with its training
    /// content, grants credits.
    pub fn credits_when(self, marked_training: bool) -> bool {
        match self {
            ActivityType::MeetingTraining => marked_training,
            t => t.counts_as_training(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meetings_politics_and_outings_never_count_whatever_they_are_called() {
        for t in [
            ActivityType::StaffMeeting,
            ActivityType::PoliticalStudy,
            ActivityType::Outing,
        ] {
            assert!(!t.counts_as_training(), "{t:?}");
            assert!(!t.credits_when(true), "{t:?} marked");
            assert!(!t.credits_when(false), "{t:?}");
        }
        // Typed as rosters write them.
        assert_eq!(
            ActivityType::parse("type", "全体教师会").unwrap(),
            ActivityType::StaffMeeting
        );
        assert_eq!(ActivityType::parse("type", "团建").unwrap(), ActivityType::Outing);
    }

    #[test]
    fn a_meeting_instead_of_training_counts_only_when_marked() {
        assert!(ActivityType::MeetingTraining.credits_when(true));
        assert!(!ActivityType::MeetingTraining.credits_when(false));
        assert!(ActivityType::MeetingTraining.counts_as_training());
    }

    #[test]
    fn every_other_type_counts_marked_or_not() {
        let never = [
            ActivityType::StaffMeeting,
            ActivityType::PoliticalStudy,
            ActivityType::Outing,
            ActivityType::MeetingTraining,
        ];
        for t in ActivityType::ALL.iter().filter(|t| !never.contains(t)) {
            assert!(t.credits_when(false) && t.credits_when(true), "{t:?}");
        }
        assert_eq!(ActivityType::ALL.len(), 23);
    }

    #[test]
    fn unknown_types_are_named() {
        let e = ActivityType::parse("type", "野餐").unwrap_err();
        assert_eq!((e.field, e.code), ("type", "unknown_activity_type"));
    }
}
