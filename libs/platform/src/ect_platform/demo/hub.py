"""The demo hub: its schools, appropriate bodies, mentors and ECTs, each ECT with a story.

A hub adopting the platform in the middle of a school year: a year-2 cohort that started the
previous September and a year-1 cohort from this September. Each ECT's story says what the
loader records for them (coaching kept up or not, an absence, a review late or missing, a
transfer) and the status the dashboard should then show, with the rule that makes it so;
the rule itself is reporting's, this only says which facts to record.

Pure data and dates: no clock, no I/O. "September" and term dates are the school calendar's
(``statutory.calendar``), never worked out here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from statutory.calendar import SchoolCalendar, academic_year_of

CALENDAR = SchoolCalendar()  # the demo schools give no term dates: England's default applies
HUB_LEAD = "lead-1"  # the README's hub lead, so its token hint signs in to the demo too


@dataclass(frozen=True)
class School:
    urn: str
    name: str
    phase: str  # the file's spelling: primary, secondary
    tutor_id: str  # the induction tutor's user id
    tutor_name: str
    headteacher: str


@dataclass(frozen=True)
class AppropriateBody:
    id: str
    name: str


@dataclass(frozen=True)
class Mentor:
    trn: str
    name: str
    school: str  # URN
    subject: str | None
    years_teaching: int
    misses_training: bool = False  # missed a mentor training session this year


@dataclass(frozen=True)
class Transfer:
    """The first period ends with the summer term, released by its AB; the ECT starts the
    new school year at another school, claimed by another AB."""

    to_school: str
    to_appropriate_body: str
    to_mentor: str  # TRN of the mentor at the new school
    first_period_terms: Decimal  # the releasing AB's figure for the closed period (2.31)


@dataclass(frozen=True)
class Story:
    """What is recorded beyond the import, and the status it leads to."""

    expected: str  # green, amber, red
    rule: str | None  # the reason's rule on reporting (docs/reporting.md); None when green
    summary: str  # said to a person: why this ECT is the colour it is
    mentor_absent_weeks: int = 0  # sessions missed because the mentor was away (not excused)
    stopped_weeks: int = 0  # the latest owed sessions never held
    absence_days: float = 0  # sickness from the third teaching week of the period
    timetable_percent: float | None = None  # the share of a normal timetable this year
    late_report: bool = False  # the second report due was sent three weeks late
    missing_report: bool = False  # the latest report more than 10 days overdue was never sent
    not_on_track: str | None = None  # "plan" or "no plan": the latest report not on track


@dataclass(frozen=True)
class Ect:
    trn: str
    name: str
    date_of_birth: date
    cohort: int  # 2: started the previous September; 1: this September
    school: str  # URN of the first period's school
    appropriate_body: str
    subject: str | None
    fte: float
    mentor: str  # TRN of the first period's mentor
    story: Story
    programme: str = "provider-led"
    transfer: Transfer | None = None

    @property
    def schools(self) -> tuple[str, ...]:
        return (self.school,) if self.transfer is None else (self.school, self.transfer.to_school)


@dataclass(frozen=True)
class Hub:
    schools: tuple[School, ...]
    appropriate_bodies: tuple[AppropriateBody, ...]
    mentors: tuple[Mentor, ...]
    ects: tuple[Ect, ...] = field(default=())

    def school(self, urn: str) -> School:
        return next(s for s in self.schools if s.urn == urn)

    def mentor(self, trn: str) -> Mentor:
        return next(m for m in self.mentors if m.trn == trn)

    def appropriate_body(self, ab_id: str) -> AppropriateBody:
        return next(ab for ab in self.appropriate_bodies if ab.id == ab_id)

    def cohort(self, number: int) -> list[Ect]:
        return [e for e in self.ects if e.cohort == number]


RIVERSIDE, CASTLEBROOK, ST_HILDAS = "138201", "144617", "121093"
PENNINE, LAKESIDE = "ab-pennine", "ab-lakeside"
GREEN_STORY = "coaching every week it is owed, every review and assessment on time"


def _green(summary: str = GREEN_STORY, **facts: object) -> Story:
    return Story("green", None, summary, **facts)  # type: ignore[arg-type]


HUB = Hub(
    schools=(
        School(RIVERSIDE, "Riverside Primary School", "primary", "tutor-riverside", "Sarah Whitfield",
               "Andrew Pike"),
        School(CASTLEBROOK, "Castlebrook Academy", "secondary", "tutor-castlebrook", "Kwame Mensah",
               "Joanna Reeve"),
        School(ST_HILDAS, "St Hilda's Church of England High School", "secondary", "tutor-sthildas",
               "Catherine Doyle", "Revd Paul Ashworth"),
    ),
    appropriate_bodies=(
        AppropriateBody(PENNINE, "Pennine Teaching School Hub"),
        AppropriateBody(LAKESIDE, "Lakeside Appropriate Body Service"),
    ),
    mentors=(
        Mentor("3100001", "Helen Marsh", RIVERSIDE, None, 12),
        Mentor("3100002", "Daniel Osei", RIVERSIDE, None, 5, misses_training=True),
        Mentor("3100003", "Rebecca Lindqvist", CASTLEBROOK, "mathematics", 9),
        Mentor("3100004", "Imran Chaudhry", CASTLEBROOK, "science", 7),
        Mentor("3100005", "Siobhan Kelly", CASTLEBROOK, "english", 11),
        Mentor("3100006", "Fiona Gallagher", ST_HILDAS, "english", 15),
        Mentor("3100007", "Marcus Bell", ST_HILDAS, "history", 4),
        Mentor("3100008", "Tomasz Nowak", ST_HILDAS, "science", 8),
    ),
    ects=(
        # the year-2 cohort, from the previous September
        Ect("4100001", "Amelia Clarke", date(2000, 3, 14), 2, RIVERSIDE, PENNINE, None, 1.0,
            "3100001", _green()),
        Ect("4100002", "Joseph Nwosu", date(1996, 11, 2), 2, CASTLEBROOK, PENNINE, "mathematics",
            0.6, "3100003", _green("part time (0.6 FTE), so still in year 1 by the clock; "
                                   "coaching and reviews on time")),
        Ect("4100003", "Priya Sharma", date(1999, 6, 21), 2, CASTLEBROOK, PENNINE, "science", 1.0,
            "3100004", _green("moved from Castlebrook Academy (Pennine Teaching School Hub, "
                              "released after 3 terms) to St Hilda's (Lakeside) for year 2"),
            transfer=Transfer(ST_HILDAS, LAKESIDE, "3100008", Decimal("3.0"))),
        Ect("4100004", "Oliver Bennett", date(1998, 1, 30), 2, ST_HILDAS, LAKESIDE, "history", 1.0,
            "3100007", _green("coaching on time; one progress review reached the AB three weeks "
                              "late (shown on the AB's page), nothing outstanding now",
                              late_report=True), programme="school-led"),
        Ect("4100005", "Sophie Turner", date(2001, 8, 9), 2, ST_HILDAS, LAKESIDE, "english", 1.0,
            "3100006", Story("red", "report_overdue", "the year-1 formal assessment never reached "
                             "the AB", missing_report=True)),
        Ect("4100006", "Ethan Hughes", date(1997, 4, 17), 2, CASTLEBROOK, PENNINE, "mathematics",
            1.0, "3100003", Story("amber", "not_on_track", "the latest report found him not on "
                                  "track; a support plan is shared with the AB",
                                  not_on_track="plan")),
        Ect("4100007", "Grace Adeyemi", date(1999, 12, 5), 2, RIVERSIDE, PENNINE, None, 0.8,
            "3100001", Story("red", "not_on_track", "part time (0.8 FTE); the latest review found "
                             "her not on track and no support plan has been shared",
                             not_on_track="no plan")),
        # the year-1 cohort, from this September
        Ect("4200001", "Noah Fletcher", date(2002, 2, 11), 1, RIVERSIDE, PENNINE, None, 1.0,
            "3100002", Story("amber", "mentor_training", "his mentor, Daniel Osei, missed a "
                             "mentor training clinic")),
        Ect("4200002", "Isla Robertson", date(2001, 5, 28), 1, RIVERSIDE, PENNINE, None, 0.5,
            "3100001", _green("part time (0.5 FTE); coaching every week")),
        Ect("4200003", "Mohammed Rahman", date(2000, 9, 3), 1, CASTLEBROOK, PENNINE, "science",
            1.0, "3100004", Story("red", "absence", "32 days' sickness absence: past the 30-day "
                                  "threshold, so year 1 is extended and the AB must be told",
                                  absence_days=32)),
        Ect("4200004", "Chloe Evans", date(2002, 7, 19), 1, CASTLEBROOK, PENNINE, "english", 1.0,
            "3100005", Story("amber", "coaching_shortfall", "two coaching sessions missed while "
                             "her mentor was away, not yet caught up", mentor_absent_weeks=2)),
        Ect("4200005", "Harry Wilson", date(1995, 10, 8), 1, CASTLEBROOK, PENNINE, "mathematics",
            0.8, "3100003", _green("part time (0.8 FTE), career changer; coaching every week"),
            programme="school-led"),
        Ect("4200006", "Lily Thompson", date(2001, 1, 25), 1, ST_HILDAS, LAKESIDE, "science", 1.0,
            "3100008", Story("red", "coaching_shortfall", "no coaching session for the last five "
                             "teaching weeks", stopped_weeks=5)),
        Ect("4200007", "Jack Morrison", date(2000, 4, 12), 1, ST_HILDAS, LAKESIDE, "history", 1.0,
            "3100007", Story("amber", "timetable", "timetabled at 95% of a normal timetable in "
                             "year 1, above the 90% allowed", timetable_percent=95)),
        Ect("4200008", "Ruby Patel", date(2002, 10, 30), 1, ST_HILDAS, LAKESIDE, "science", 0.6,
            "3100008", _green("part time (0.6 FTE); coaching every week",
                              timetable_percent=90)),
        Ect("4200009", "Freya Campbell", date(2001, 3, 3), 1, RIVERSIDE, PENNINE, None, 1.0,
            "3100001", _green("coaching every week; four days' sickness, well under the thresholds",
                              absence_days=4)),
    ),
)


def is_teaching_day(day: date) -> bool:
    """A day of a term, outside its half-term and the weekend, on the demo schools' calendar."""
    term = CALENDAR.term_at(day)
    return term is not None and term.is_teaching_day(day)


def school_year(today: date) -> int:
    """The school year the hub is in: the one whose autumn term has begun by ``today``."""
    year = academic_year_of(today)
    return year if today >= CALENDAR.year(year).autumn.start else year - 1


@dataclass(frozen=True)
class Dates:
    """The demo's dates for ``today``, from the school calendar."""

    today: date

    @property
    def year(self) -> int:
        return school_year(self.today)

    def cohort_start(self, cohort: int) -> date:
        """The first day of the autumn term the cohort started in."""
        return CALENDAR.year(self.year - (cohort - 1)).autumn.start

    def first_period_end(self, ect: Ect) -> date | None:
        """A transfer's first period ends on the last day of the summer term before this year."""
        return None if ect.transfer is None else CALENDAR.year(self.year - 1).summer.end

    def periods(self, ect: Ect) -> list[tuple[date, date | None]]:
        """Each induction period of the ECT, first day to last (None while open)."""
        start = self.cohort_start(ect.cohort)
        if ect.transfer is None:
            return [(start, None)]
        first_end = self.first_period_end(ect)
        return [(start, first_end), (self.cohort_start(1), None)]

    @staticmethod
    def qts_date(start: date) -> date:
        """QTS awarded in the July before the induction starts."""
        return date(start.year, 7, 10)

    @staticmethod
    def registered_on(start: date) -> date:
        """Claimed in the week before the autumn term."""
        return date(start.year, 8, 27)
