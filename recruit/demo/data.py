"""The demo office's data: staff, universities, events, positions, names, comments, and
the weights and shares that shape its fourteen months of recruiting."""

from datetime import time

from recruit.auth.models import Role
from recruit.candidates.models import (
    ClassStanding,
    Interest,
    Term,
)
from recruit.events.models import EventKind
from recruit.pipeline import rules
from recruit.pipeline.rules import StageKey
from recruit.placements.models import (
    FundingSource,
)
from recruit.universities.models import (
    ContactRole,
    InteractionKind,
    Partnership,
)

SEED = 2026
HISTORY_DAYS = 425  # about fourteen months
STAFF_DOMAIN = "procurement.state.example"
# The office keeps Central time; timestamps are stored in UTC, so its day is 14:00-22:00.
OFFICE_HOURS_UTC = (14, 22)
FAIR_HOURS_UTC = (15, 20)
EVENING_HOURS_UTC = (22, 24)

# --- staff --------------------------------------------------------------------------------

ADMIN_NAME = "Dana Whitfield"
STAFF = [
    ("Marcus Bell", Role.HR),
    ("Priya Raman", Role.HR),
    ("Lena Okafor", Role.OUTREACH),
    ("Tomás Reyes", Role.OUTREACH),
]


# --- universities and their contacts ------------------------------------------------------

# (key, name, college, majors, city, state, partnership, email domain, notes)
UNIVERSITIES = [
    (
        "state-u",
        "State University",
        "College of Business",
        "Supply chain management, business administration, accounting",
        "Springfield",
        "IL",
        Partnership.FORMAL_AGREEMENT,
        "stateu.example",
        "Our strongest partner. The supply chain program requires an internship, and the "
        "career center posts our openings every term.",
    ),
    (
        "state-u-spa",
        "State University",
        "School of Public Affairs",
        "Public administration, public policy",
        "Springfield",
        "IL",
        Partnership.ACTIVE,
        "stateu.example",
        "MPA capstone teams need a client each spring: offer a procurement data project.",
    ),
    (
        "state-u-law",
        "State University",
        "College of Law",
        "Law",
        "Springfield",
        "IL",
        Partnership.PROSPECT,
        "stateu.example",
        "The public interest law society asked about summer clerkships in contract review.",
    ),
    (
        "capital-cc",
        "Capital City Community College",
        "Business & Technology Division",
        "Business, accounting, logistics",
        "Springfield",
        "IL",
        Partnership.FORMAL_AGREEMENT,
        "capitalcc.example",
        "Many students transfer to State University. Evening students already work full "
        "time and look for a career change.",
    ),
    (
        "northern-state",
        "Northern State University",
        "College of Business",
        "Supply chain management, operations management, business analytics",
        "Northfield",
        "IL",
        Partnership.FORMAL_AGREEMENT,
        "northernstate.example",
        "APICS student chapter is very active; their officers run the spring case night.",
    ),
    (
        "southern-state",
        "Southern State University",
        "School of Business & Public Service",
        "Business administration, public administration",
        "Marion",
        "IL",
        Partnership.ACTIVE,
        "southernstate.example",
        "Four hours' drive: pair the fair with a class talk to make the trip count.",
    ),
    (
        "wru",
        "Western Regional University",
        "Department of Political Science & Public Administration",
        "Public administration, political science",
        "Lakeview",
        "IL",
        Partnership.PROSPECT,
        "wru.example",
        "New contact through the state's MPA directors' meeting. No procurement course yet.",
    ),
    (
        "central-tech",
        "Central Technical University",
        "College of Engineering",
        "Industrial engineering, data analytics, information systems",
        "Bloomington",
        "IL",
        Partnership.ACTIVE,
        "centraltech.example",
        "Good source for IT sourcing and analytics interns; students expect paid positions.",
    ),
    (
        "gateway-state",
        "Gateway State University",
        "College of Business Administration",
        "Supply chain management, economics, business",
        "St. Louis",
        "MO",
        Partnership.PROSPECT,
        "gatewaystate.example",
        "Across the river; several students commute from Illinois and want to work here.",
    ),
    (
        "metro-cc",
        "Metro Community College",
        "School of Business",
        "Business administration, accounting, office administration",
        "Fairview",
        "IL",
        Partnership.ACTIVE,
        "metrocc.example",
        "Purchasing certificate students are often career changers with office experience.",
    ),
]

CONTACT_NAMES = [
    "Karen Lindgren",
    "Dr. Samuel Adeyemi",
    "Maribel Ortega",
    "Prof. Helen Zhou",
    "Jordan Pike",
    "Rachel Goldberg",
    "Dr. Anil Mehta",
    "Megan O'Connell",
    "Luis Carrillo",
    "Prof. Ingrid Halvorsen",
    "Tasha Greene",
    "Brian Kowalczyk",
    "Dr. Fatima Al-Sayed",
    "Kevin Tran",
    "Emily Sørensen",
    "Marcus Whitaker",
    "Prof. Daniel Ruiz",
    "Aisha Bello",
    "Chris Nakamura",
    "Olivia Brandt",
    "Dr. Robert Fenwick",
    "Jasmine Patel",
    "Hugo Lemaire",
    "Nadia Petrova",
    "Grace Mbeki",
    "Tyler Morrison",
    "Sofia Castellano",
    "Dr. Evan Whitlock",
    "Ming Zhao",
    "Patrick Doyle",
]

CONTACT_TITLES = {
    ContactRole.CAREER_CENTER: [
        "Employer Relations Coordinator",
        "Assistant Director, Career Services",
        "Internship Coordinator",
    ],
    ContactRole.FACULTY: [
        "Associate Professor of Supply Chain Management",
        "Clinical Professor of Public Administration",
        "Lecturer, Purchasing & Contracts",
    ],
    ContactRole.STUDENT_ORG_ADVISOR: [
        "Advisor, Supply Chain Management Association",
        "Advisor, Public Administration Student Association",
    ],
    ContactRole.STUDENT_OFFICER: [
        "President, APICS Student Chapter",
        "VP Professional Development, Supply Chain Club",
    ],
}

INTERACTION_NOTES = {
    InteractionKind.EMAIL: [
        "Sent the summer internship flyer for their weekly career newsletter.",
        "Asked for the spring career fair dates and booth prices.",
        "Shared the interest form's QR code for the course page.",
        "Thanked them for forwarding our posting; six students applied.",
    ],
    InteractionKind.CALL: [
        "Talked about a guest lecture in the purchasing course next term.",
        "Discussed a formal internship agreement; they need a template MOU.",
        "Checked whether interns can earn course credit for the placement.",
    ],
    InteractionKind.VISIT: [
        "Met at the career center and walked through how our hiring timeline works.",
        "Coffee after the fair; they will introduce us to the accounting chair.",
    ],
    InteractionKind.CLASS_TALK: [
        "Spoke to about 35 students on how a state contract gets from need to award.",
        "Ran the 'spot the bid-rigging' exercise; lots of questions about pay.",
    ],
    InteractionKind.OTHER: [
        "Sent a thank-you card and State Procurement pens after the fair.",
        "Met at the regional supply chain breakfast.",
    ],
}

# --- events -------------------------------------------------------------------------------

# The office's yearly outreach calendar: (month, day, kind, university key, title, slug,
# place, days long). Titles and slugs take the season and year of the date.
# fmt: off
EVENT_CALENDAR = [
    (1, 28, EventKind.INFO_SESSION, None, "Virtual info session: summer internships",
     "virtual-{season}-info-session-{year}", "Online", 1),
    (2, 11, EventKind.CAREER_FAIR, "state-u", "{name} {Season} Career Fair",
     "{key}-{season}-fair-{year}", "Student Union Ballroom", 1),
    (2, 25, EventKind.CAREER_FAIR, "capital-cc", "{name} Job & Internship Fair",
     "{key}-{season}-fair-{year}", "Main Campus Gym", 1),
    (3, 4, EventKind.CLASS_TALK, "northern-state", "Class talk: Strategic Sourcing (OSCM 455)",
     "{key}-{season}-talk-{year}", "Founders Hall 302", 1),
    (3, 25, EventKind.CASE_COMPETITION, "state-u-spa", "Public Procurement Case Competition {year}",
     "case-competition-{year}", "Public Affairs Center atrium", 1),
    (6, 24, EventKind.INFO_SESSION, "capital-cc", "Summer info session: careers in purchasing",
     "{key}-{season}-info-session-{year}", "Library, Room B", 1),
    (7, 22, EventKind.INFO_SESSION, None, "Virtual info session: fall internships",
     "virtual-{season}-info-session-{year}", "Online", 1),
    (9, 9, EventKind.CONFERENCE, None, "NASPO Annual Conference {year}",
     "naspo-annual-conference-{year}", "Conference hotel, host city", 3),
    (9, 23, EventKind.CAREER_FAIR, "state-u", "{name} {Season} Career Fair",
     "{key}-{season}-fair-{year}", "Student Union Ballroom", 1),
    (10, 1, EventKind.CAREER_FAIR, "northern-state", "{name} {Season} Internship Fair",
     "{key}-{season}-fair-{year}", "Recreation Center, Court 2", 1),
    (10, 8, EventKind.CAREER_FAIR, "southern-state", "{name} {Season} Career Fair",
     "{key}-{season}-fair-{year}", "Student Center", 1),
    (10, 15, EventKind.CAREER_FAIR, "central-tech", "{name} Engineering & Technology Fair",
     "{key}-{season}-fair-{year}", "Engineering Quad tent", 1),
    (10, 28, EventKind.CLASS_TALK, "state-u", "Class talk: Purchasing & Supply Management",
     "{key}-{season}-talk-{year}", "Business Hall 210", 1),
]
# fmt: on
# The hours of one-day events, on the office's clock (fairs, talks and sessions keep
# office hours; case competitions and conferences stay all day).
EVENT_HOURS = {
    EventKind.CAREER_FAIR: (time(10, 0), time(15, 0)),
    EventKind.CLASS_TALK: (time(9, 30), time(10, 45)),
    EventKind.INFO_SESSION: (time(12, 0), time(13, 0)),
}
# The demo shows the calendar from about fourteen months back to three months ahead.
EVENT_WINDOW_DAYS = (-410, 90)
# The most recent Southern State fair was called off at short notice.
CANCELLED_EVENT_UNIVERSITY = "southern-state"
# A student who turns up this long after an event may still have met the office there.
LEAD_GAP_DAYS = 60
# Follow-ups due longer ago than this have all been done.
TASKS_DONE_AFTER_DAYS = 30

VISIT_NOTES = {
    EventKind.CAREER_FAIR: [
        "Steady line all afternoon; supply chain juniors asked most about summer pay.",
        "Table by the entrance worked well. The QR code sign got more scans than the flyers.",
        "Slow first hour, then a rush after the business school's class let out.",
    ],
    EventKind.CLASS_TALK: [
        "Good questions on how bids are scored. The professor wants us back next term.",
        "Ran the mock evaluation exercise; the class split on the low-bid question.",
    ],
    EventKind.INFO_SESSION: [
        "Small room, good turnout. Pizza helped. Three students stayed to ask about co-ops.",
        "Several career changers from the evening program; they want part-time options.",
    ],
    EventKind.CASE_COMPETITION: [
        "Eight teams, judges from three agencies. The winning team priced a fleet contract.",
    ],
    EventKind.CONFERENCE: [
        "Compared notes with two other states on paid internships and campus ambassadors.",
    ],
}

FOLLOW_UP_TASKS = [
    "Email the career center a thank-you and the fair numbers",
    "Send the summer posting to the students who asked about pay",
    "Add the paper sign-up sheet names to Recruit",
    "Call the students who asked about part-time semester hours",
    "Send slides and the interest form link to the professor",
    "Ask the department chair about a class talk next term",
    "Mail the giveaway invoice to accounts payable",
]

# --- positions ----------------------------------------------------------------------------

DGS = "Department of General Services"
DOT = "Department of Transportation"
DOH = "Department of Health"
TREASURY = "State Treasury"
DOC = "Department of Corrections"
DOIT = "Department of Information Technology"
DNR = "Department of Natural Resources"

# (term as seen from today: before_last, last, current or next; agency, division, title,
#  supervisor, hourly pay, funding, openings, entry-level job?)
# fmt: off
POSITION_PLAN = [
    ("before_last", DGS, "Procurement Division", "Procurement Intern", "Renee Caldwell",
     "18.50", FundingSource.AGENCY, 3, False),
    ("before_last", DOT, "Contracts Office", "Contracts Intern", "Victor Osei",
     "19.25", FundingSource.AGENCY, 2, False),
    ("last", DGS, "Procurement Division", "Procurement Intern", "Renee Caldwell",
     "18.50", FundingSource.AGENCY, 3, False),
    ("last", DOH, "Purchasing", "Purchasing Intern", "Hannah Lindqvist",
     "18.00", FundingSource.GRANT, 2, False),
    ("current", DGS, "Procurement Division", "Procurement Intern", "Renee Caldwell",
     "19.00", FundingSource.AGENCY, 4, False),
    ("current", TREASURY, "Contract Compliance", "Contract Compliance Intern", "Gabriel Moreau",
     "20.00", FundingSource.STATE_FUND, 2, False),
    ("current", DOC, "Business Services", "Buyer Intern", "Denise Harper",
     "18.75", FundingSource.AGENCY, 2, False),
    ("next", DGS, "Procurement Division", "Procurement Intern", "Renee Caldwell",
     "19.00", FundingSource.AGENCY, 4, False),
    ("next", DOT, "Contracts Office", "Contracts Intern", "Victor Osei",
     "19.75", FundingSource.AGENCY, 2, False),
    ("next", DOIT, "IT Procurement", "IT Sourcing Intern", "Samir Haddad",
     "21.50", FundingSource.STATE_FUND, 1, False),
    ("next", DGS, "Strategic Sourcing", "Procurement Analyst I", "Colleen Marsh",
     "27.10", FundingSource.STATE_FUND, 2, True),
    ("next", DNR, "Fiscal & Contracts", "Contracts Assistant Intern", "Wade Jansen",
     "18.25", FundingSource.GRANT, 1, False),
]
# fmt: on
AGENCY_DOMAINS = {
    DGS: "dgs.state.example",
    DOT: "dot.state.example",
    DOH: "health.state.example",
    TREASURY: "treasury.state.example",
    DOC: "doc.state.example",
    DOIT: "doit.state.example",
    DNR: "dnr.state.example",
}
DRAFT_POSITION_AGENCY = DNR

POSITION_DESCRIPTIONS = {
    "Procurement Intern": "Help buyers run informal quotes, draft bid documents and keep "
    "statewide contract files in order.",
    "Contracts Intern": "Support the contracts office on construction and engineering "
    "contracts: checklists, insurance certificates, change-order logs.",
    "Purchasing Intern": "Process purchase requests, check grant rules, compare quotes.",
    "Contract Compliance Intern": "Review vendor payments against contract terms and flag "
    "discrepancies.",
    "Buyer Intern": "Source food service and maintenance supplies for state facilities.",
    "IT Sourcing Intern": "Research software and cloud pricing; help draft IT solicitations.",
    "Procurement Analyst I": "Entry-level analyst: spend analysis, market research and "
    "solicitations under a senior buyer's guidance.",
    "Contracts Assistant Intern": "Track grant-funded contracts and their reporting dates.",
}
# What students read on the openings page in Spanish.
POSITION_DESCRIPTIONS_ES = {
    "Procurement Intern": "Ayude a los compradores con cotizaciones informales, redacte "
    "documentos de licitación y mantenga en orden los expedientes de contratos estatales.",
    "Contracts Intern": "Apoye a la oficina de contratos en contratos de construcción e "
    "ingeniería: listas de verificación, certificados de seguro y registros de cambios.",
    "Purchasing Intern": "Tramite solicitudes de compra, verifique las reglas de las "
    "subvenciones y compare cotizaciones.",
    "Contract Compliance Intern": "Revise los pagos a proveedores según los términos del "
    "contrato y señale las diferencias.",
    "Buyer Intern": "Consiga suministros de alimentación y mantenimiento para las "
    "instalaciones del estado.",
    "IT Sourcing Intern": "Investigue precios de software y servicios en la nube; ayude a "
    "redactar solicitudes de tecnología.",
    "Procurement Analyst I": "Analista principiante: análisis de gasto, estudios de mercado "
    "y solicitudes, con la guía de un comprador con experiencia.",
    "Contracts Assistant Intern": "Dé seguimiento a los contratos financiados con "
    "subvenciones y a sus fechas de informe.",
}
# Where each agency's interns work.
AGENCY_LOCATIONS = {
    DGS: "Capitol Complex, Building 2",
    DOT: "Transportation Building, 4th floor",
    DOH: "Health Department, Main Street office",
    TREASURY: "Treasury Annex",
    DOC: "Corrections Central Office",
    DOIT: "Technology Center (hybrid)",
    DNR: "Natural Resources, Riverside office",
}
# The academic terms interns work in: first and last day as (month, day).
TERM_DATES = {
    "Spring": ((1, 12), (5, 8)),
    "Summer": ((5, 26), (8, 14)),
    "Fall": ((8, 24), (12, 11)),
}
# A finished term older than this leaves no room for its interns' applications.
OLDEST_TERM_DAYS = 340
MENTORS = [
    "Alicia Brennan",
    "Jerome Whitfield",
    "Nina Castellanos",
    "Paul Amundsen",
    "Keisha Powell",
    "Ravi Subramanian",
    "Laura Kim",
    "Ethan Moore",
]
HIRED_TITLES = ["Buyer I", "Procurement Analyst I", "Contract Specialist Trainee"]

# --- candidates ---------------------------------------------------------------------------

# Students' names by the traditions they come from: (weight, first names, last names).
# fmt: off
NAME_GROUPS = [
    (30, ["Liam", "Emily", "Noah", "Madison", "Ethan", "Olivia", "Connor", "Grace", "Ava",
          "Samuel", "Hannah", "Aaliyah", "Darnell", "Jamal", "Nora", "Tyler"],
         ["Johnson", "Smith", "Williams", "Brown", "Davis", "Moore", "Thompson", "Jackson",
          "Clark", "Washington", "St. Clair", "MacLeod", "Harris", "Cooper"]),
    (18, ["José", "Mateo", "Sofía", "Diego", "Camila", "Valentina", "Luis", "Ana", "João"],
         ["Álvarez", "García", "Hernández", "López", "Fernández", "Castillo", "Gonçalves",
          "Ramírez"]),
    (8, ["Zoë", "Anne-Marie", "Chloé", "Renée", "François", "Björn", "Ingrid", "Łukasz",
         "Lukas"],
        ["Dubois", "Martin", "Johansson", "Lindqvist", "Wiśniewski", "Kowalski", "Müller",
         "Schmidt", "Van der Berg", "Søndergaard", "Rossi"]),
    (6, ["Siobhán", "Conor", "Aoife", "Patrick"], ["O'Brien", "Ní Bhriain", "Murphy", "Doyle"]),
    (8, ["Thảo", "Minh", "Linh", "Quang"], ["Nguyễn", "Trần", "Phạm", "Lê"]),
    (8, ["Jae-won", "Mei", "Hiroshi", "Wei", "Yuna", "Kenji"],
        ["Park", "Kim", "Chen", "Tanaka", "Wang", "Sato"]),
    (6, ["Kwame", "Chidi", "Ama", "Ngozi"], ["Mensah", "Okonkwo", "Abara", "Boateng"]),
    (8, ["Priyanka", "Arjun", "Ananya", "Rohan"], ["Reddy", "Patel", "Iyer", "Sharma"]),
    (8, ["Fatima", "Omar", "Tariq", "Yasmin", "Ayşe", "Emre"],
        ["Haddad", "Ibrahim", "Yılmaz", "Demir", "Khalil"]),  # noqa: RUF001
]
# fmt: on
# Names written in their own script, with the address the student gave.
NATIVE_NAMES = [
    ("美玲", "李", "meiling.li"),
    ("伟", "张", "wei.zhang"),
    ("Дмитрий", "Соколов", "dmitri.sokolov"),
    ("Αλέξανδρος", "Παπαδόπουλος", "alex.papadopoulos"),
    ("지민", "김", "jimin.kim"),
    ("محمد", "الخطيب", "m.alkhatib"),
    ("Ngọc Anh", "Trần", "ngocanh.tran"),
    ("さくら", "山本", "sakura.yamamoto"),
]
# Letters that Unicode decomposition does not reduce to ASCII.
ASCII_LETTERS = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ı": "i", "ß": "ss"})  # noqa: RUF001
OTHER_UNIVERSITIES = [
    "Lakes Region Technical College",
    "Online State University (distance program)",
    "Pacific Coast University",
    "Riverside Bible College",
]
OTHER_MAJORS = [
    "Business administration",
    "Economics",
    "Finance",
    "Accounting",
    "Political science",
    "Management information systems",
    "Marketing",
    "Communications",
]
AVAILABILITY = [
    "Full time in summer (40 hrs/week)",
    "15 to 20 hrs/week during the semester",
    "Mon/Wed/Fri afternoons",
    "Tue/Thu all day; full time in summer",
    "Any time after finals in May",
    "Evenings and remote work preferred",
    "From mid-August",
    "Starting next term, 20 hrs/week",
]
TAG_NAMES = ["bilingual", "veteran", "returning", "strong writer", "STEM", "data skills"]
INTEREST_WEIGHTS = {
    Interest.SUMMER_INTERNSHIP: 45,
    Interest.SEMESTER_INTERNSHIP: 25,
    Interest.CO_OP: 10,
    Interest.FULL_TIME: 20,
}
STANDING_WEIGHTS = {
    ClassStanding.FRESHMAN: 3,
    ClassStanding.SOPHOMORE: 12,
    ClassStanding.JUNIOR: 30,
    ClassStanding.SENIOR: 30,
    ClassStanding.GRADUATE: 15,
    ClassStanding.RECENT_GRADUATE: 10,
}
# Which coming graduation (spring and fall, counted from 0) fits each standing.
TERMS_TO_GRADUATION = {
    ClassStanding.FRESHMAN: (6, 7),
    ClassStanding.SOPHOMORE: (4, 5),
    ClassStanding.JUNIOR: (2, 3),
    ClassStanding.SENIOR: (0, 1),
    ClassStanding.GRADUATE: (0, 2),
}
GRADUATION_DAYS = {Term.SPRING: (5, 15), Term.SUMMER: (8, 10), Term.FALL: (12, 15)}

MAIN_PATH = list(rules.MAIN_PATH)
# Where the demo's candidates stand today, in parts per thousand: about 45% early in the
# pipeline, a quarter closed, the rest further along and a handful hired.
FATE_SHARES = {
    StageKey.INTERESTED: 190,
    StageKey.SCREENING: 140,
    StageKey.INTERVIEW: 120,
    StageKey.OFFER: 50,
    StageKey.ONBOARDING: 45,
    StageKey.ACTIVE_INTERN: 70,
    StageKey.COMPLETED: 80,
    StageKey.HIRED: 35,
    StageKey.NOT_SELECTED: 120,
    StageKey.WITHDRAWN: 80,
    StageKey.TALENT_POOL: 70,
}
# Days spent in a stage before moving on: (fewest, most).
STEP_DAYS = {
    StageKey.INTERESTED: (1, 21),
    StageKey.SCREENING: (3, 20),
    StageKey.INTERVIEW: (4, 21),
    StageKey.OFFER: (2, 14),
    StageKey.ONBOARDING: (7, 30),
}
# Days from the end of an internship to the start of the full-time job: (fewest, most).
HIRE_AFTER_DAYS = (14, 60)
# Days an open candidate has waited in their current stage so far.
DWELL_DAYS = {
    StageKey.INTERESTED: (0, 30),
    StageKey.SCREENING: (0, 25),
    StageKey.INTERVIEW: (0, 20),
    StageKey.OFFER: (0, 12),
    StageKey.ONBOARDING: (1, 30),
}
# Where candidates leave the main path from, per closed stage, with the reasons that fit.
CLOSINGS = {
    StageKey.NOT_SELECTED: (
        {StageKey.SCREENING: 6, StageKey.INTERVIEW: 4},
        ["skills_mismatch", "not_eligible", "positions_filled"],
    ),
    StageKey.WITHDRAWN: (
        {StageKey.INTERESTED: 3, StageKey.SCREENING: 3, StageKey.INTERVIEW: 2, StageKey.OFFER: 2},
        ["no_response", "accepted_elsewhere", "schedule_conflict", "own_request"],
    ),
    StageKey.TALENT_POOL: (
        {StageKey.SCREENING: 4, StageKey.INTERVIEW: 6},
        ["future_term", "positions_filled"],
    ),
}
CLOSING_COMMENTS = {
    "skills_mismatch": "Looking for marketing roles; nothing in procurement fits right now.",
    "not_eligible": "Graduates before the internship would start.",
    "positions_filled": "Good interview, but this term's positions are filled.",
    "no_response": "No reply to two emails and a call.",
    "accepted_elsewhere": "Accepted a private-sector internship.",
    "schedule_conflict": "Class schedule clashes with the agency's office hours.",
    "own_request": "Asked to be taken out of consideration this term.",
    "future_term": "Strong fit for next summer; keep in touch.",
}
MOVE_COMMENTS = {
    StageKey.SCREENING: [
        "",
        "",
        "Resume looks good; schedule a phone screen.",
        "Referred by faculty.",
    ],
    StageKey.INTERVIEW: ["", "Phone screen went well.", "Clear writer; invite to panel."],
    StageKey.OFFER: ["", "Panel recommends an offer.", "Top of the panel's list."],
    StageKey.ONBOARDING: ["", "Accepted the offer by phone.", "Background check started."],
    StageKey.ACTIVE_INTERN: ["", "First day went fine."],
    StageKey.COMPLETED: ["", "Finished the term; final evaluation requested."],
    StageKey.HIRED: ["", "Accepted the full-time offer."],
}
NOTES = [
    "Asked whether the internship can count for course credit.",
    "Prefers the DOT contracts office; commutes from the east side.",
    "Very interested in IT purchasing; built a price tracker in Excel for a class.",
    "Sent the summer posting link and the benefits sheet.",
    "Speaks Spanish at home; offered to help with vendor outreach.",
    "Reference from the supply chain professor was glowing.",
    "Needs a remote day each week during exams.",
    "Met again at the info session; still keen.",
]
INTERVIEW_NOTES = [
    "Interview: thoughtful answer on handling a vendor protest; solid Excel.",
    "Interview: nervous at first, strong on the ethics scenario.",
    "Interview: good questions about how bids are scored; panel liked her writing sample.",
]
# --- interviews -----------------------------------------------------------------------------

# What the interview pages show, on the office's clock: (times as (days from today, "HH:MM");
# several are offered and not chosen yet), kind, minutes, who interviews ("admin", "hr0",
# "hr1" or someone outside as "Name <email>"), where, and state. Two are today with the
# demo's admin on the panel, so "Today" and "Only mine" show something at once.
INTERVIEW_PLAN = [
    ([(0, "10:00")], "panel", 45, ["admin", "hr0"], "Room 210, Capitol Annex", "scheduled"),
    ([(0, "14:30")], "phone_screen", 30, ["admin"], "We call the candidate", "scheduled"),
    (
        [(1, "11:00")],
        "agency_interview",
        60,
        ["hr1", "Maria Lopez <maria.lopez@agency.state.example>"],
        "Department of Transportation, 2300 S Dirksen Pkwy",
        "scheduled",
    ),
    ([(3, "09:30")], "panel", 45, ["admin", "hr1"], "", "scheduled"),
    (
        [(2, "10:00"), (2, "15:00"), (4, "11:00")],
        "phone_screen",
        30,
        ["hr0"],
        "We call the candidate",
        "offered",
    ),
    ([(-2, "13:00")], "panel", 45, ["hr0", "hr1"], "Room 210, Capitol Annex", "scheduled"),
    ([(4, "13:00")], "phone_screen", 30, ["hr1"], "We call the candidate", "cancelled"),
]
INTERVIEW_VIDEO_LINK = "https://meet.state.example/procurement-interviews"
INTERVIEW_NOTE = "Please bring a copy of your resume and ask for us at the front desk."

INTERN_NOTES = [
    "Supervisor says the contract-file checklist rebuild saved her team hours.",
    "Mid-term check-in: enjoys the work, wants more time with buyers on live bids.",
    "Asked about the entry-level analyst opening for after graduation.",
]

# --- evaluations --------------------------------------------------------------------------

SUPERVISOR_STRENGTHS = [
    "Rebuilt our contract-file checklist; files now pass review the first time.",
    "Clear, courteous emails to vendors; handled an upset bidder calmly.",
    "Quick with Excel: built the price comparison for the copier solicitation.",
    "Asks good questions, writes down the answers and never needs to ask twice.",
]
SUPERVISOR_AREAS = [
    "Speak up in team meetings; the ideas are good.",
    "Double-check solicitation numbers before sending addenda.",
    "Learn the thresholds for informal quotes by heart.",
    "Juggle requests from several buyers without letting one slip.",
]
SELF_STRENGTHS = [
    "I got comfortable calling vendors and agency staff.",
    "I learned how a bid goes from request to award.",
    "My spreadsheets got the team out of a manual process.",
]
SELF_AREAS = [
    "Public speaking in meetings.",
    "Reading contract terms faster.",
    "Knowing when to ask for help instead of guessing.",
]
FEEDBACK_GOOD = [
    "Sitting in on a bid opening and an evaluation committee.",
    "My mentor made time for me every week.",
    "Real work on live solicitations from the first month.",
]
FEEDBACK_BETTER = [
    "Less scanning and filing, more time on solicitations.",
    "A clearer first week: I waited three days for a computer account.",
    "Meet the other interns earlier in the term.",
]
