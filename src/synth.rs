//! Realistic synthetic recruiting data for benchmarks, demos and tests: candidates, jobs and
//! the searches a recruiter would type. Seeded and deterministic (same seed, same data) and
//! fast enough to feed a million-candidate benchmark without becoming its bottleneck.

use std::fmt::Write as _;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::domain::candidates::NewCandidate;
use crate::domain::jobs::{JobStatus, Level, NewJob};

/// People by naming tradition: first names and family names that belong together.
const CULTURES: &[(&[&str], &[&str])] = &[
    (
        &[
            "James", "Emily", "Michael", "Sarah", "David", "Jessica", "Daniel", "Ashley",
            "Matthew", "Olivia", "Ethan", "Hannah", "Ryan", "Megan",
        ],
        &[
            "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson",
            "Taylor", "Anderson", "Thomas", "Moore", "Clark", "Walker",
        ],
    ),
    (
        &[
            "Liam", "Siobhan", "Conor", "Aoife", "Declan", "Niamh", "Callum", "Fiona", "Eilidh",
            "Rory", "Isla", "Seamus",
        ],
        &[
            "Murphy",
            "O'Brien",
            "Kelly",
            "Walsh",
            "Byrne",
            "McCarthy",
            "Campbell",
            "MacLeod",
            "Fraser",
            "Gallagher",
            "Doyle",
            "Quinn",
        ],
    ),
    (
        &[
            "José",
            "María",
            "Carlos",
            "Lucía",
            "Javier",
            "Sofía",
            "Alejandro",
            "Valentina",
            "Diego",
            "Camila",
            "Mateo",
            "Isabella",
            "Andrés",
        ],
        &[
            "García",
            "Rodríguez",
            "Martínez",
            "Hernández",
            "López",
            "González",
            "Pérez",
            "Sánchez",
            "Ramírez",
            "Torres",
            "Flores",
            "Morales",
            "Castillo",
        ],
    ),
    (
        &[
            "João", "Ana", "Pedro", "Beatriz", "Lucas", "Mariana", "Gabriel", "Larissa", "Rafael",
            "Juliana", "Thiago", "Fernanda",
        ],
        &[
            "Silva", "Santos", "Oliveira", "Souza", "Costa", "Pereira", "Almeida", "Ferreira",
            "Carvalho", "Ribeiro", "Gomes", "Barbosa",
        ],
    ),
    (
        &[
            "Chinedu",
            "Ngozi",
            "Emeka",
            "Adaeze",
            "Oluwaseun",
            "Funmilayo",
            "Tunde",
            "Yetunde",
            "Ibrahim",
            "Aisha",
            "Chukwuemeka",
            "Amara",
            "Babajide",
        ],
        &[
            "Okafor",
            "Adeyemi",
            "Okonkwo",
            "Balogun",
            "Eze",
            "Nwosu",
            "Abubakar",
            "Ogunleye",
            "Adebayo",
            "Obi",
            "Bello",
            "Onyekachi",
            "Afolabi",
        ],
    ),
    (
        &[
            "Kwame", "Ama", "Kofi", "Akosua", "Wanjiru", "Kamau", "Achieng", "Otieno", "Baraka",
            "Zawadi", "Thabo", "Nomvula", "Sipho",
        ],
        &[
            "Mensah", "Boateng", "Asante", "Owusu", "Mwangi", "Kariuki", "Odhiambo", "Njoroge",
            "Nkosi", "Dlamini", "Khumalo", "Mokoena", "Ndlovu",
        ],
    ),
    (
        &[
            "Aarav", "Priya", "Rohan", "Ananya", "Vikram", "Divya", "Arjun", "Kavya", "Rahul",
            "Sneha", "Aditya", "Pooja", "Karthik", "Lakshmi",
        ],
        &[
            "Sharma",
            "Patel",
            "Singh",
            "Kumar",
            "Gupta",
            "Reddy",
            "Iyer",
            "Nair",
            "Mehta",
            "Joshi",
            "Rao",
            "Chatterjee",
            "Banerjee",
            "Desai",
        ],
    ),
    (
        &[
            "Wei", "Fang", "Jun", "Li", "Hao", "Xiaoling", "Ming", "Yan", "Jie", "Lei", "Xin",
            "Tao", "Mei",
        ],
        &[
            "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu",
            "Sun", "Lin",
        ],
    ),
    (
        &[
            "Haruto", "Yui", "Sota", "Aoi", "Ren", "Sakura", "Kenji", "Yuki", "Takumi", "Hina",
            "Daiki", "Emi",
        ],
        &[
            "Sato",
            "Suzuki",
            "Takahashi",
            "Tanaka",
            "Watanabe",
            "Ito",
            "Yamamoto",
            "Nakamura",
            "Kobayashi",
            "Kato",
            "Yoshida",
            "Yamada",
        ],
    ),
    (
        &[
            "Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Do-yun", "Ji-woo", "Joon", "Soo-ah",
            "Hyun-woo", "Eun-ji",
        ],
        &[
            "Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim",
        ],
    ),
    (
        &[
            "Minh", "Linh", "Tuan", "Thu", "Hieu", "Lan", "Duc", "Mai", "Quang", "Huong",
        ],
        &[
            "Nguyễn", "Tran", "Le", "Pham", "Hoang", "Phan", "Vu", "Dang", "Bui", "Do",
        ],
    ),
    (
        &[
            "Omar", "Fatima", "Ahmed", "Layla", "Youssef", "Mariam", "Khalid", "Noor", "Hassan",
            "Salma", "Karim", "Rania",
        ],
        &[
            "Haddad", "Khalil", "Nasser", "Mansour", "Saleh", "Hamdan", "Aziz", "Farouk", "Rahman",
            "Qureshi", "Darwish", "Sabbagh",
        ],
    ),
    (
        &[
            "Emre", "Zeynep", "Mehmet", "Elif", "Burak", "Ayşe", "Can", "Defne", "Kerem", "Selin",
        ],
        &[
            "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Aydın", "Öztürk", "Arslan",
            "Doğan",
        ],
    ),
    (
        &[
            "Dariush", "Shirin", "Reza", "Parisa", "Kian", "Nasrin", "Arash", "Leila", "Farhad",
            "Yasmin",
        ],
        &[
            "Hosseini", "Ahmadi", "Karimi", "Moradi", "Rezaei", "Jafari", "Tehrani", "Sadeghi",
            "Rostami", "Najafi",
        ],
    ),
    (
        &[
            "Lukas",
            "Anna",
            "Felix",
            "Lena",
            "Maximilian",
            "Sophie",
            "Jonas",
            "Marie",
            "Tobias",
            "Katharina",
            "Florian",
            "Johanna",
        ],
        &[
            "Müller",
            "Schmidt",
            "Schneider",
            "Fischer",
            "Weber",
            "Meyer",
            "Wagner",
            "Becker",
            "Hoffmann",
            "Schulz",
            "Koch",
            "Richter",
        ],
    ),
    (
        &[
            "Louis", "Camille", "Hugo", "Chloé", "Théo", "Manon", "Antoine", "Léa", "Julien",
            "Amélie", "Mathieu", "Élodie",
        ],
        &[
            "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
            "Leroy", "Moreau", "Laurent", "Lefèvre",
        ],
    ),
    (
        &[
            "Marco",
            "Giulia",
            "Luca",
            "Chiara",
            "Alessandro",
            "Francesca",
            "Matteo",
            "Elena",
            "Lorenzo",
            "Martina",
        ],
        &[
            "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
            "Marino", "Greco",
        ],
    ),
    (
        &[
            "Jakub",
            "Zofia",
            "Łukasz",
            "Agnieszka",
            "Piotr",
            "Katarzyna",
            "Tomasz",
            "Magdalena",
            "Pavel",
            "Tereza",
            "Marek",
            "Ivana",
        ],
        &[
            "Nowak",
            "Kowalski",
            "Wiśniewski",
            "Wójcik",
            "Kamiński",
            "Lewandowski",
            "Novák",
            "Svoboda",
            "Dvořák",
            "Horváth",
            "Kovač",
            "Zieliński",
        ],
    ),
    (
        &[
            "Dmitri", "Olga", "Sergei", "Natalia", "Alexei", "Irina", "Mykola", "Oksana", "Andriy",
            "Yulia", "Nikolai", "Svetlana",
        ],
        &[
            "Ivanov",
            "Smirnova",
            "Petrov",
            "Volkova",
            "Sokolov",
            "Kuznetsova",
            "Shevchenko",
            "Bondarenko",
            "Kovalenko",
            "Popov",
            "Morozov",
            "Lebedeva",
        ],
    ),
    (
        &[
            "Erik", "Ingrid", "Lars", "Astrid", "Mikkel", "Freja", "Øyvind", "Sigrid", "Anders",
            "Maja", "Johan", "Elin",
        ],
        &[
            "Hansen",
            "Johansson",
            "Nielsen",
            "Andersson",
            "Larsen",
            "Karlsson",
            "Berg",
            "Lindqvist",
            "Jensen",
            "Nilsson",
            "Dahl",
            "Virtanen",
        ],
    ),
    (
        &[
            "Daan", "Sanne", "Bram", "Fleur", "Jeroen", "Lotte", "Pieter", "Anouk", "Thijs", "Eva",
        ],
        &[
            "de Jong",
            "Jansen",
            "de Vries",
            "van den Berg",
            "Bakker",
            "Visser",
            "Smit",
            "Mulder",
            "Peeters",
            "Janssens",
        ],
    ),
    (
        &[
            "Juan Miguel",
            "Maria Clara",
            "Paolo",
            "Angelica",
            "Jericho",
            "Kristine",
            "Budi",
            "Siti",
            "Agus",
            "Dewi",
            "Rizky",
            "Putri",
        ],
        &[
            "Santos",
            "Reyes",
            "Cruz",
            "Bautista",
            "Villanueva",
            "Dela Cruz",
            "Santoso",
            "Wijaya",
            "Pratama",
            "Hidayat",
            "Kusuma",
            "Halim",
        ],
    ),
    (
        &[
            "Noa", "Yael", "Itai", "Tamar", "Eitan", "Maya", "Avi", "Shira", "Nikos", "Eleni",
            "Giorgos", "Katerina",
        ],
        &[
            "Cohen",
            "Levi",
            "Mizrahi",
            "Peretz",
            "Friedman",
            "Katz",
            "Papadopoulos",
            "Georgiou",
            "Nikolaidis",
            "Pappas",
            "Vlahos",
            "Karagiannis",
        ],
    ),
];

/// Cities candidates live in and jobs are based in: (city, country, phone country code, currency).
const CITIES: &[(&str, &str, &str, &str)] = &[
    ("San Francisco", "United States", "1", "USD"),
    ("New York", "United States", "1", "USD"),
    ("Seattle", "United States", "1", "USD"),
    ("Austin", "United States", "1", "USD"),
    ("Boston", "United States", "1", "USD"),
    ("Chicago", "United States", "1", "USD"),
    ("Los Angeles", "United States", "1", "USD"),
    ("Denver", "United States", "1", "USD"),
    ("Atlanta", "United States", "1", "USD"),
    ("Miami", "United States", "1", "USD"),
    ("Portland", "United States", "1", "USD"),
    ("Raleigh", "United States", "1", "USD"),
    ("Toronto", "Canada", "1", "CAD"),
    ("Vancouver", "Canada", "1", "CAD"),
    ("Montreal", "Canada", "1", "CAD"),
    ("Mexico City", "Mexico", "52", "MXN"),
    ("Guadalajara", "Mexico", "52", "MXN"),
    ("Bogotá", "Colombia", "57", "COP"),
    ("Medellín", "Colombia", "57", "COP"),
    ("Lima", "Peru", "51", "PEN"),
    ("Santiago", "Chile", "56", "CLP"),
    ("Buenos Aires", "Argentina", "54", "ARS"),
    ("São Paulo", "Brazil", "55", "BRL"),
    ("Rio de Janeiro", "Brazil", "55", "BRL"),
    ("Florianópolis", "Brazil", "55", "BRL"),
    ("Montevideo", "Uruguay", "598", "UYU"),
    ("London", "United Kingdom", "44", "GBP"),
    ("Manchester", "United Kingdom", "44", "GBP"),
    ("Edinburgh", "United Kingdom", "44", "GBP"),
    ("Bristol", "United Kingdom", "44", "GBP"),
    ("Dublin", "Ireland", "353", "EUR"),
    ("Cork", "Ireland", "353", "EUR"),
    ("Amsterdam", "Netherlands", "31", "EUR"),
    ("Rotterdam", "Netherlands", "31", "EUR"),
    ("Brussels", "Belgium", "32", "EUR"),
    ("Paris", "France", "33", "EUR"),
    ("Lyon", "France", "33", "EUR"),
    ("Berlin", "Germany", "49", "EUR"),
    ("Munich", "Germany", "49", "EUR"),
    ("Hamburg", "Germany", "49", "EUR"),
    ("Frankfurt", "Germany", "49", "EUR"),
    ("Zurich", "Switzerland", "41", "CHF"),
    ("Geneva", "Switzerland", "41", "CHF"),
    ("Vienna", "Austria", "43", "EUR"),
    ("Madrid", "Spain", "34", "EUR"),
    ("Barcelona", "Spain", "34", "EUR"),
    ("Valencia", "Spain", "34", "EUR"),
    ("Lisbon", "Portugal", "351", "EUR"),
    ("Porto", "Portugal", "351", "EUR"),
    ("Milan", "Italy", "39", "EUR"),
    ("Rome", "Italy", "39", "EUR"),
    ("Turin", "Italy", "39", "EUR"),
    ("Copenhagen", "Denmark", "45", "DKK"),
    ("Stockholm", "Sweden", "46", "SEK"),
    ("Gothenburg", "Sweden", "46", "SEK"),
    ("Oslo", "Norway", "47", "NOK"),
    ("Helsinki", "Finland", "358", "EUR"),
    ("Tallinn", "Estonia", "372", "EUR"),
    ("Warsaw", "Poland", "48", "PLN"),
    ("Kraków", "Poland", "48", "PLN"),
    ("Wrocław", "Poland", "48", "PLN"),
    ("Prague", "Czechia", "420", "CZK"),
    ("Budapest", "Hungary", "36", "HUF"),
    ("Bucharest", "Romania", "40", "RON"),
    ("Cluj-Napoca", "Romania", "40", "RON"),
    ("Sofia", "Bulgaria", "359", "BGN"),
    ("Belgrade", "Serbia", "381", "RSD"),
    ("Zagreb", "Croatia", "385", "EUR"),
    ("Athens", "Greece", "30", "EUR"),
    ("Kyiv", "Ukraine", "380", "UAH"),
    ("Lviv", "Ukraine", "380", "UAH"),
    ("Istanbul", "Turkey", "90", "TRY"),
    ("Ankara", "Turkey", "90", "TRY"),
    ("Tel Aviv", "Israel", "972", "ILS"),
    ("Dubai", "United Arab Emirates", "971", "AED"),
    ("Abu Dhabi", "United Arab Emirates", "971", "AED"),
    ("Riyadh", "Saudi Arabia", "966", "SAR"),
    ("Doha", "Qatar", "974", "QAR"),
    ("Cairo", "Egypt", "20", "EGP"),
    ("Casablanca", "Morocco", "212", "MAD"),
    ("Tunis", "Tunisia", "216", "TND"),
    ("Lagos", "Nigeria", "234", "NGN"),
    ("Abuja", "Nigeria", "234", "NGN"),
    ("Accra", "Ghana", "233", "GHS"),
    ("Nairobi", "Kenya", "254", "KES"),
    ("Kampala", "Uganda", "256", "UGX"),
    ("Kigali", "Rwanda", "250", "RWF"),
    ("Addis Ababa", "Ethiopia", "251", "ETB"),
    ("Johannesburg", "South Africa", "27", "ZAR"),
    ("Cape Town", "South Africa", "27", "ZAR"),
    ("Bangalore", "India", "91", "INR"),
    ("Hyderabad", "India", "91", "INR"),
    ("Pune", "India", "91", "INR"),
    ("Chennai", "India", "91", "INR"),
    ("Mumbai", "India", "91", "INR"),
    ("Delhi", "India", "91", "INR"),
    ("Karachi", "Pakistan", "92", "PKR"),
    ("Lahore", "Pakistan", "92", "PKR"),
    ("Dhaka", "Bangladesh", "880", "BDT"),
    ("Colombo", "Sri Lanka", "94", "LKR"),
    ("Singapore", "Singapore", "65", "SGD"),
    ("Kuala Lumpur", "Malaysia", "60", "MYR"),
    ("Jakarta", "Indonesia", "62", "IDR"),
    ("Bangkok", "Thailand", "66", "THB"),
    ("Ho Chi Minh City", "Vietnam", "84", "VND"),
    ("Hanoi", "Vietnam", "84", "VND"),
    ("Manila", "Philippines", "63", "PHP"),
    ("Hong Kong", "Hong Kong", "852", "HKD"),
    ("Shanghai", "China", "86", "CNY"),
    ("Shenzhen", "China", "86", "CNY"),
    ("Taipei", "Taiwan", "886", "TWD"),
    ("Seoul", "South Korea", "82", "KRW"),
    ("Tokyo", "Japan", "81", "JPY"),
    ("Osaka", "Japan", "81", "JPY"),
    ("Sydney", "Australia", "61", "AUD"),
    ("Melbourne", "Australia", "61", "AUD"),
    ("Brisbane", "Australia", "61", "AUD"),
    ("Auckland", "New Zealand", "64", "NZD"),
    ("Wellington", "New Zealand", "64", "NZD"),
];

/// Skills, most popular first: the order is the Zipf rank.
const SKILLS: &[&str] = &[
    "SQL",
    "Python",
    "JavaScript",
    "Communication",
    "Git",
    "Java",
    "AWS",
    "Docker",
    "TypeScript",
    "React",
    "Linux",
    "Agile",
    "Project Management",
    "Excel",
    "Kubernetes",
    "Node.js",
    "Data Analysis",
    "REST APIs",
    "PostgreSQL",
    "C#",
    "Stakeholder Management",
    "HTML",
    "CSS",
    "Go",
    "Leadership",
    "Scrum",
    "Azure",
    "Google Cloud",
    "Machine Learning",
    "Terraform",
    "CI/CD",
    "MySQL",
    "Spring Boot",
    "Jira",
    "Figma",
    "Microservices",
    "MongoDB",
    "Redis",
    "GraphQL",
    "C++",
    "Product Management",
    "Kotlin",
    ".NET",
    "Pandas",
    "Angular",
    "Vue.js",
    "Tableau",
    "Power BI",
    "Salesforce",
    "Rust",
    "Swift",
    "Kafka",
    "Elasticsearch",
    "Django",
    "Flask",
    "FastAPI",
    "Spark",
    "Airflow",
    "dbt",
    "Snowflake",
    "TensorFlow",
    "PyTorch",
    "scikit-learn",
    "NumPy",
    "Statistics",
    "Deep Learning",
    "NLP",
    "Computer Vision",
    "LLMs",
    "MLOps",
    "Ansible",
    "Prometheus",
    "Grafana",
    "Jenkins",
    "GitHub Actions",
    "GitLab CI",
    "Helm",
    "Istio",
    "Nginx",
    "Bash",
    "PHP",
    "Laravel",
    "Ruby",
    "Ruby on Rails",
    "Scala",
    "Elixir",
    "Haskell",
    "Clojure",
    "Erlang",
    "OCaml",
    "Next.js",
    "Svelte",
    "Redux",
    "Tailwind CSS",
    "Webpack",
    "Vite",
    "Jest",
    "Cypress",
    "Playwright",
    "Selenium",
    "React Native",
    "Flutter",
    "Dart",
    "Android",
    "iOS",
    "SwiftUI",
    "Jetpack Compose",
    "Objective-C",
    "Xamarin",
    "Unity",
    "Unreal Engine",
    "C",
    "Embedded Systems",
    "RTOS",
    "FPGA",
    "Verilog",
    "VHDL",
    "Firmware",
    "IoT",
    "Robotics",
    "ROS",
    "MATLAB",
    "Simulink",
    "Signal Processing",
    "OpenCV",
    "CUDA",
    "HPC",
    "MPI",
    "Fortran",
    "R",
    "SAS",
    "SPSS",
    "Stata",
    "Econometrics",
    "A/B Testing",
    "Experimentation",
    "Looker",
    "BigQuery",
    "Redshift",
    "Databricks",
    "Delta Lake",
    "Hadoop",
    "Hive",
    "Flink",
    "Beam",
    "ETL",
    "Data Modeling",
    "Data Warehousing",
    "Data Governance",
    "Data Engineering",
    "Cassandra",
    "DynamoDB",
    "ClickHouse",
    "SQLite",
    "Oracle",
    "SQL Server",
    "Neo4j",
    "RabbitMQ",
    "gRPC",
    "Protobuf",
    "OAuth",
    "OpenID Connect",
    "Security",
    "Penetration Testing",
    "SIEM",
    "SOC 2",
    "ISO 27001",
    "Threat Modeling",
    "Cryptography",
    "IAM",
    "Network Security",
    "Incident Response",
    "Vulnerability Management",
    "Burp Suite",
    "Splunk",
    "Zero Trust",
    "Cloud Security",
    "AppSec",
    "DevSecOps",
    "Compliance",
    "Site Reliability",
    "Observability",
    "OpenTelemetry",
    "Datadog",
    "PagerDuty",
    "Chaos Engineering",
    "Capacity Planning",
    "Load Testing",
    "Performance Tuning",
    "Distributed Systems",
    "System Design",
    "Event Sourcing",
    "CQRS",
    "Domain-Driven Design",
    "WebAssembly",
    "WebRTC",
    "WebSockets",
    "Serverless",
    "Lambda",
    "CloudFormation",
    "Pulumi",
    "Packer",
    "Vault",
    "Consul",
    "Nomad",
    "OpenShift",
    "VMware",
    "Networking",
    "TCP/IP",
    "DNS",
    "UX Research",
    "UI Design",
    "Interaction Design",
    "Prototyping",
    "Design Systems",
    "Sketch",
    "Adobe XD",
    "Illustrator",
    "Photoshop",
    "Accessibility",
    "Usability Testing",
    "User Interviews",
    "Information Architecture",
    "Motion Design",
    "Brand Design",
    "Copywriting",
    "Content Strategy",
    "SEO",
    "SEM",
    "Google Analytics",
    "Marketing Automation",
    "HubSpot",
    "Marketo",
    "Email Marketing",
    "Growth Marketing",
    "Performance Marketing",
    "Social Media",
    "Product Marketing",
    "Market Research",
    "Public Relations",
    "Sales",
    "B2B Sales",
    "SaaS Sales",
    "Account Management",
    "Business Development",
    "Lead Generation",
    "Negotiation",
    "CRM",
    "Customer Success",
    "Customer Support",
    "Zendesk",
    "Onboarding",
    "Churn Reduction",
    "Solution Selling",
    "Pre-Sales",
    "Partnerships",
    "Recruiting",
    "Sourcing",
    "Talent Acquisition",
    "Employer Branding",
    "Interviewing",
    "HRIS",
    "Workday",
    "Payroll",
    "Compensation",
    "Employee Relations",
    "People Analytics",
    "Learning and Development",
    "Diversity and Inclusion",
    "Performance Management",
    "Financial Modeling",
    "Accounting",
    "FP&A",
    "Budgeting",
    "Forecasting",
    "IFRS",
    "GAAP",
    "Audit",
    "Tax",
    "Treasury",
    "NetSuite",
    "SAP",
    "QuickBooks",
    "Procurement",
    "Supply Chain",
    "Logistics",
    "Operations",
    "Lean",
    "Six Sigma",
    "Process Improvement",
    "Roadmapping",
    "User Stories",
    "OKRs",
    "Product Discovery",
    "Product Analytics",
    "Amplitude",
    "Mixpanel",
    "Pricing",
    "Technical Writing",
    "Documentation",
    "Mentoring",
    "Hiring",
    "Team Building",
    "Public Speaking",
    "Coaching",
    "Change Management",
    "Strategy",
    "Budget Ownership",
    "Vendor Management",
    "Risk Management",
];

/// A kind of work: its department, titles (individual contributor and leadership), the role
/// nouns people search by, and its skills in order of how common they are within it.
struct Family {
    department: &'static str,
    weight: u32,
    titles: &'static [&'static str],
    leads: &'static [&'static str],
    roles: &'static [&'static str],
    skills: &'static [&'static str],
    achievements: &'static [&'static str],
}

const FAMILIES: &[Family] = &[
    Family {
        department: "Engineering",
        weight: 22,
        titles: &[
            "Software Engineer",
            "Backend Engineer",
            "Backend Developer",
            "Software Developer",
            "Platform Engineer",
            "Java Developer",
            "Python Developer",
            "Go Engineer",
            "Rust Engineer",
            "API Engineer",
            "Distributed Systems Engineer",
            "Full Stack Engineer",
            "Full Stack Developer",
            "Systems Engineer",
            "Solutions Architect",
            "Software Architect",
        ],
        leads: &[
            "Engineering Manager",
            "Tech Lead",
            "Head of Engineering",
            "Director of Engineering",
            "VP of Engineering",
            "CTO",
        ],
        roles: &["engineer", "developer", "architect", "programmer"],
        skills: &[
            "Java",
            "Python",
            "Go",
            "SQL",
            "PostgreSQL",
            "Docker",
            "Kubernetes",
            "AWS",
            "Microservices",
            "REST APIs",
            "Spring Boot",
            "Node.js",
            "TypeScript",
            "Kafka",
            "Redis",
            "gRPC",
            "Rust",
            "C#",
            ".NET",
            "Distributed Systems",
            "System Design",
            "GraphQL",
            "Kotlin",
            "Scala",
            "Elixir",
            "Ruby on Rails",
            "PHP",
            "Laravel",
            "Django",
            "FastAPI",
            "Event Sourcing",
            "Domain-Driven Design",
            "CQRS",
            "RabbitMQ",
            "MongoDB",
            "Cassandra",
            "DynamoDB",
            "Elasticsearch",
            "Serverless",
            "WebAssembly",
        ],
        achievements: &[
            "cut p99 latency by {n}%",
            "migrated a monolith to {n} microservices",
            "scaled the payments API to {n}k requests per second",
            "rewrote the billing service without downtime",
            "reduced cloud spend by {n}%",
            "designed the event pipeline that processes {n} million messages a day",
            "led the move from REST to gRPC",
            "built the public API used by {n} partners",
        ],
    },
    Family {
        department: "Engineering",
        weight: 12,
        titles: &[
            "Frontend Engineer",
            "Frontend Developer",
            "UI Engineer",
            "React Developer",
            "JavaScript Developer",
            "Web Developer",
            "Angular Developer",
            "Design Engineer",
        ],
        leads: &["Frontend Lead", "Engineering Manager", "Head of Frontend"],
        roles: &["engineer", "developer"],
        skills: &[
            "JavaScript",
            "TypeScript",
            "React",
            "HTML",
            "CSS",
            "Next.js",
            "Redux",
            "Vue.js",
            "Angular",
            "Tailwind CSS",
            "Webpack",
            "Vite",
            "Jest",
            "Cypress",
            "Playwright",
            "GraphQL",
            "Accessibility",
            "Svelte",
            "Design Systems",
            "WebSockets",
            "WebRTC",
            "Node.js",
            "Figma",
            "Performance Tuning",
        ],
        achievements: &[
            "brought Lighthouse scores from {n} to 98",
            "built the design system used by {n} teams",
            "shipped the new checkout that lifted conversion by {n}%",
            "cut bundle size by {n}%",
            "made the dashboard WCAG AA accessible",
            "moved the web app from Angular to React",
        ],
    },
    Family {
        department: "Engineering",
        weight: 6,
        titles: &[
            "Mobile Engineer",
            "iOS Developer",
            "iOS Engineer",
            "Android Developer",
            "Android Engineer",
            "React Native Developer",
            "Flutter Developer",
            "Mobile Developer",
        ],
        leads: &["Mobile Lead", "Head of Mobile", "Engineering Manager"],
        roles: &["engineer", "developer"],
        skills: &[
            "Swift",
            "Kotlin",
            "iOS",
            "Android",
            "React Native",
            "Flutter",
            "Dart",
            "SwiftUI",
            "Jetpack Compose",
            "Objective-C",
            "Java",
            "TypeScript",
            "GraphQL",
            "REST APIs",
            "Firebase",
            "CI/CD",
            "Xamarin",
            "Unity",
            "Accessibility",
        ],
        achievements: &[
            "shipped an app with {n} million downloads",
            "raised the crash-free rate to 99.{n}%",
            "rebuilt the app in SwiftUI",
            "cut cold start time by {n}%",
            "launched offline mode for {n}k field workers",
        ],
    },
    Family {
        department: "Infrastructure",
        weight: 9,
        titles: &[
            "DevOps Engineer",
            "Site Reliability Engineer",
            "Cloud Engineer",
            "Infrastructure Engineer",
            "Platform Engineer",
            "Cloud Architect",
            "Build Engineer",
            "Systems Administrator",
            "Network Engineer",
            "Database Administrator",
        ],
        leads: &[
            "SRE Manager",
            "Head of Infrastructure",
            "Director of Platform",
            "Infrastructure Lead",
        ],
        roles: &["engineer", "sre", "architect", "administrator"],
        skills: &[
            "Kubernetes",
            "Docker",
            "AWS",
            "Terraform",
            "Linux",
            "CI/CD",
            "Google Cloud",
            "Azure",
            "Ansible",
            "Prometheus",
            "Grafana",
            "Helm",
            "Bash",
            "Python",
            "Go",
            "Jenkins",
            "GitHub Actions",
            "GitLab CI",
            "Observability",
            "Site Reliability",
            "Istio",
            "Nginx",
            "Vault",
            "Consul",
            "Nomad",
            "OpenShift",
            "VMware",
            "Networking",
            "TCP/IP",
            "DNS",
            "Datadog",
            "PagerDuty",
            "OpenTelemetry",
            "Chaos Engineering",
            "Capacity Planning",
            "Pulumi",
            "Packer",
            "CloudFormation",
            "PostgreSQL",
            "Load Testing",
        ],
        achievements: &[
            "took availability from 99.5% to 99.9{n}%",
            "moved {n} services onto Kubernetes",
            "cut deploy time from an hour to {n} minutes",
            "built the on-call process and halved pages",
            "automated provisioning of {n} clusters with Terraform",
            "led the data-centre exit to AWS",
        ],
    },
    Family {
        department: "Data",
        weight: 10,
        titles: &[
            "Data Engineer",
            "Data Analyst",
            "Analytics Engineer",
            "Business Intelligence Analyst",
            "Data Architect",
            "Big Data Engineer",
            "BI Developer",
            "Reporting Analyst",
        ],
        leads: &[
            "Head of Data",
            "Data Engineering Manager",
            "Analytics Manager",
            "Chief Data Officer",
        ],
        roles: &["engineer", "analyst", "architect"],
        skills: &[
            "SQL",
            "Python",
            "Data Analysis",
            "Pandas",
            "dbt",
            "Airflow",
            "Snowflake",
            "Spark",
            "Tableau",
            "Power BI",
            "Looker",
            "BigQuery",
            "Redshift",
            "Databricks",
            "ETL",
            "Data Modeling",
            "Data Warehousing",
            "Excel",
            "Kafka",
            "Delta Lake",
            "Hadoop",
            "Hive",
            "Flink",
            "Beam",
            "Data Governance",
            "Data Engineering",
            "Statistics",
            "ClickHouse",
            "Scala",
            "A/B Testing",
            "R",
        ],
        achievements: &[
            "built the warehouse behind {n} dashboards",
            "cut the nightly batch from {n} hours to 40 minutes",
            "migrated reporting from Redshift to Snowflake",
            "set up dbt with {n} tested models",
            "delivered the revenue forecast the board now uses",
        ],
    },
    Family {
        department: "Data",
        weight: 6,
        titles: &[
            "Data Scientist",
            "Machine Learning Engineer",
            "ML Engineer",
            "AI Engineer",
            "Research Scientist",
            "Applied Scientist",
            "NLP Engineer",
            "Computer Vision Engineer",
            "Quantitative Analyst",
        ],
        leads: &[
            "Head of Machine Learning",
            "Data Science Manager",
            "Director of AI",
        ],
        roles: &["scientist", "engineer", "researcher"],
        skills: &[
            "Python",
            "Machine Learning",
            "PyTorch",
            "TensorFlow",
            "scikit-learn",
            "Pandas",
            "NumPy",
            "Statistics",
            "Deep Learning",
            "NLP",
            "SQL",
            "Computer Vision",
            "LLMs",
            "MLOps",
            "Spark",
            "R",
            "CUDA",
            "A/B Testing",
            "Experimentation",
            "OpenCV",
            "MATLAB",
            "Econometrics",
            "Databricks",
            "Docker",
            "Kubernetes",
        ],
        achievements: &[
            "shipped a recommender that lifted engagement by {n}%",
            "trained a fraud model catching {n}% more chargebacks",
            "put {n} models into production with MLOps tooling",
            "published {n} papers at NeurIPS and ICML",
            "fine-tuned an LLM for support triage",
            "built the churn model used by the sales team",
        ],
    },
    Family {
        department: "Engineering",
        weight: 4,
        titles: &[
            "QA Engineer",
            "Test Automation Engineer",
            "Software Development Engineer in Test",
            "Quality Assurance Analyst",
            "Performance Engineer",
        ],
        leads: &["QA Lead", "Head of Quality"],
        roles: &["engineer", "tester", "analyst"],
        skills: &[
            "Selenium",
            "Cypress",
            "Playwright",
            "Java",
            "Python",
            "JavaScript",
            "Jest",
            "Load Testing",
            "CI/CD",
            "Jira",
            "SQL",
            "REST APIs",
            "Agile",
            "Performance Tuning",
            "Documentation",
        ],
        achievements: &[
            "automated {n}% of the regression suite",
            "cut release testing from a week to {n} hours",
            "introduced contract tests across {n} services",
        ],
    },
    Family {
        department: "Security",
        weight: 4,
        titles: &[
            "Security Engineer",
            "Application Security Engineer",
            "Cloud Security Engineer",
            "Security Analyst",
            "Penetration Tester",
            "SOC Analyst",
            "Security Architect",
        ],
        leads: &["Head of Security", "CISO", "Security Manager"],
        roles: &["engineer", "analyst", "architect"],
        skills: &[
            "Security",
            "Penetration Testing",
            "AppSec",
            "Cloud Security",
            "SIEM",
            "Splunk",
            "Incident Response",
            "Threat Modeling",
            "IAM",
            "Network Security",
            "Vulnerability Management",
            "Burp Suite",
            "Zero Trust",
            "DevSecOps",
            "Cryptography",
            "SOC 2",
            "ISO 27001",
            "Compliance",
            "AWS",
            "Python",
            "Linux",
            "OAuth",
            "OpenID Connect",
        ],
        achievements: &[
            "led the SOC 2 Type II audit to a clean report",
            "ran a bug bounty that closed {n} findings",
            "rolled out SSO and MFA to {n} employees",
            "cut mean time to respond to {n} minutes",
        ],
    },
    Family {
        department: "Engineering",
        weight: 3,
        titles: &[
            "Embedded Software Engineer",
            "Firmware Engineer",
            "Hardware Engineer",
            "Robotics Engineer",
            "Game Developer",
            "Graphics Engineer",
            "HPC Engineer",
        ],
        leads: &["Embedded Lead", "Head of Hardware"],
        roles: &["engineer", "developer"],
        skills: &[
            "C",
            "C++",
            "Embedded Systems",
            "RTOS",
            "Firmware",
            "FPGA",
            "Verilog",
            "VHDL",
            "IoT",
            "Robotics",
            "ROS",
            "MATLAB",
            "Simulink",
            "Signal Processing",
            "Linux",
            "Python",
            "Unity",
            "Unreal Engine",
            "CUDA",
            "HPC",
            "MPI",
            "Fortran",
        ],
        achievements: &[
            "brought up firmware on {n} new boards",
            "cut power draw by {n}%",
            "shipped a title played by {n} million people",
            "ported the simulation to GPUs for a {n}x speed-up",
        ],
    },
    Family {
        department: "Product",
        weight: 6,
        titles: &[
            "Product Manager",
            "Technical Product Manager",
            "Product Owner",
            "Product Analyst",
            "Growth Product Manager",
            "Program Manager",
            "Technical Program Manager",
            "Business Analyst",
        ],
        leads: &[
            "Group Product Manager",
            "Head of Product",
            "Director of Product",
            "VP of Product",
            "Chief Product Officer",
        ],
        roles: &["manager", "owner", "analyst"],
        skills: &[
            "Product Management",
            "Roadmapping",
            "Agile",
            "Stakeholder Management",
            "User Stories",
            "Jira",
            "Product Discovery",
            "Product Analytics",
            "SQL",
            "A/B Testing",
            "OKRs",
            "Amplitude",
            "Mixpanel",
            "Pricing",
            "Scrum",
            "Communication",
            "Data Analysis",
            "Figma",
            "Strategy",
            "Technical Writing",
        ],
        achievements: &[
            "launched a product line worth ${n}M ARR",
            "grew weekly active users by {n}%",
            "ran {n} experiments a quarter",
            "took the mobile app from idea to launch in {n} months",
            "rebuilt the pricing page and lifted upgrades by {n}%",
        ],
    },
    Family {
        department: "Design",
        weight: 4,
        titles: &[
            "Product Designer",
            "UX Designer",
            "UI Designer",
            "UX Researcher",
            "Visual Designer",
            "Interaction Designer",
            "Graphic Designer",
            "Content Designer",
        ],
        leads: &["Design Manager", "Head of Design", "Design Director"],
        roles: &["designer", "researcher"],
        skills: &[
            "Figma",
            "UX Research",
            "UI Design",
            "Prototyping",
            "Design Systems",
            "Interaction Design",
            "Usability Testing",
            "User Interviews",
            "Sketch",
            "Adobe XD",
            "Illustrator",
            "Photoshop",
            "Accessibility",
            "Information Architecture",
            "Motion Design",
            "Brand Design",
            "HTML",
            "CSS",
            "Copywriting",
        ],
        achievements: &[
            "redesigned onboarding and cut drop-off by {n}%",
            "built a design system of {n} components",
            "ran {n} user interviews a month",
            "led the rebrand across web and mobile",
        ],
    },
    Family {
        department: "Marketing",
        weight: 5,
        titles: &[
            "Marketing Manager",
            "Growth Marketer",
            "Content Marketer",
            "SEO Specialist",
            "Digital Marketing Specialist",
            "Product Marketing Manager",
            "Performance Marketing Manager",
            "Social Media Manager",
            "Communications Manager",
        ],
        leads: &[
            "Head of Marketing",
            "Marketing Director",
            "VP of Marketing",
            "CMO",
        ],
        roles: &["marketer", "manager", "specialist"],
        skills: &[
            "SEO",
            "SEM",
            "Google Analytics",
            "Content Strategy",
            "Copywriting",
            "Marketing Automation",
            "HubSpot",
            "Marketo",
            "Email Marketing",
            "Growth Marketing",
            "Performance Marketing",
            "Social Media",
            "Product Marketing",
            "Market Research",
            "Public Relations",
            "Excel",
            "Communication",
            "A/B Testing",
            "Salesforce",
            "Brand Design",
        ],
        achievements: &[
            "grew organic traffic by {n}%",
            "cut cost per lead by {n}%",
            "launched a campaign with {n}k sign-ups",
            "built a newsletter of {n}k subscribers",
        ],
    },
    Family {
        department: "Sales",
        weight: 6,
        titles: &[
            "Account Executive",
            "Sales Development Representative",
            "Business Development Representative",
            "Account Manager",
            "Sales Engineer",
            "Solutions Engineer",
            "Enterprise Account Executive",
            "Partnerships Manager",
        ],
        leads: &[
            "Sales Manager",
            "Head of Sales",
            "VP of Sales",
            "Chief Revenue Officer",
        ],
        roles: &["executive", "manager", "representative"],
        skills: &[
            "Sales",
            "B2B Sales",
            "SaaS Sales",
            "Salesforce",
            "Negotiation",
            "Account Management",
            "Business Development",
            "Lead Generation",
            "CRM",
            "Solution Selling",
            "Pre-Sales",
            "Partnerships",
            "Communication",
            "HubSpot",
            "Stakeholder Management",
            "Public Speaking",
        ],
        achievements: &[
            "closed ${n}M in new business last year",
            "hit {n}% of quota four quarters running",
            "opened the DACH market",
            "grew the partner channel to {n} resellers",
        ],
    },
    Family {
        department: "Customer Success",
        weight: 4,
        titles: &[
            "Customer Success Manager",
            "Customer Support Specialist",
            "Support Engineer",
            "Technical Support Engineer",
            "Implementation Consultant",
            "Onboarding Specialist",
        ],
        leads: &[
            "Head of Customer Success",
            "Support Manager",
            "VP of Customer Experience",
        ],
        roles: &["manager", "specialist", "engineer"],
        skills: &[
            "Customer Success",
            "Customer Support",
            "Zendesk",
            "Onboarding",
            "Churn Reduction",
            "Account Management",
            "CRM",
            "Communication",
            "Salesforce",
            "SQL",
            "Documentation",
            "Jira",
            "Technical Writing",
        ],
        achievements: &[
            "cut churn by {n}%",
            "kept CSAT above 9{n}%",
            "built the help centre with {n} articles",
            "onboarded {n} enterprise customers",
        ],
    },
    Family {
        department: "People",
        weight: 4,
        titles: &[
            "Recruiter",
            "Technical Recruiter",
            "Talent Acquisition Partner",
            "Sourcer",
            "HR Business Partner",
            "People Operations Specialist",
            "HR Generalist",
            "Compensation Analyst",
            "Learning and Development Specialist",
        ],
        leads: &[
            "Head of Talent",
            "Head of People",
            "HR Director",
            "Chief People Officer",
        ],
        roles: &["recruiter", "partner", "specialist"],
        skills: &[
            "Recruiting",
            "Sourcing",
            "Talent Acquisition",
            "Interviewing",
            "Employer Branding",
            "HRIS",
            "Workday",
            "Payroll",
            "Compensation",
            "Employee Relations",
            "People Analytics",
            "Learning and Development",
            "Diversity and Inclusion",
            "Performance Management",
            "Communication",
            "Coaching",
            "Hiring",
        ],
        achievements: &[
            "hired {n} engineers in a year",
            "cut time-to-hire from 60 to {n} days",
            "rolled out Workday to {n} employees",
            "built the interview training programme",
        ],
    },
    Family {
        department: "Finance",
        weight: 4,
        titles: &[
            "Financial Analyst",
            "Accountant",
            "FP&A Analyst",
            "Controller",
            "Senior Accountant",
            "Tax Manager",
            "Treasury Analyst",
            "Auditor",
        ],
        leads: &["Finance Manager", "Head of Finance", "VP of Finance", "CFO"],
        roles: &["analyst", "accountant", "manager"],
        skills: &[
            "Financial Modeling",
            "Accounting",
            "FP&A",
            "Excel",
            "Budgeting",
            "Forecasting",
            "IFRS",
            "GAAP",
            "Audit",
            "Tax",
            "Treasury",
            "NetSuite",
            "SAP",
            "QuickBooks",
            "SQL",
            "Power BI",
            "Compliance",
            "Risk Management",
        ],
        achievements: &[
            "closed the books in {n} days",
            "built the {n}-year operating model",
            "led the Series B due diligence",
            "saved ${n}k a year on vendor contracts",
        ],
    },
    Family {
        department: "Operations",
        weight: 4,
        titles: &[
            "Operations Manager",
            "Supply Chain Analyst",
            "Logistics Coordinator",
            "Procurement Specialist",
            "Business Operations Analyst",
            "Project Manager",
            "Office Manager",
            "Scrum Master",
        ],
        leads: &["Head of Operations", "COO", "Director of Operations"],
        roles: &["manager", "analyst", "coordinator"],
        skills: &[
            "Operations",
            "Project Management",
            "Supply Chain",
            "Logistics",
            "Procurement",
            "Lean",
            "Six Sigma",
            "Process Improvement",
            "Excel",
            "SAP",
            "Vendor Management",
            "Agile",
            "Scrum",
            "Jira",
            "Stakeholder Management",
            "Budget Ownership",
            "Change Management",
            "Risk Management",
        ],
        achievements: &[
            "cut fulfilment time by {n}%",
            "ran a Lean programme saving ${n}k",
            "opened {n} new warehouses",
            "delivered the ERP migration on budget",
        ],
    },
];

const SENIORITY_WORDS: &[&str] = &["junior", "senior", "staff", "lead", "principal"];

const COMPANIES: &[&str] = &[
    "Google",
    "Microsoft",
    "Amazon",
    "Meta",
    "Apple",
    "Netflix",
    "Spotify",
    "Shopify",
    "Stripe",
    "Atlassian",
    "Salesforce",
    "Oracle",
    "IBM",
    "SAP",
    "Adobe",
    "Intel",
    "Nvidia",
    "Cisco",
    "Uber",
    "Airbnb",
    "Booking.com",
    "Zalando",
    "Klarna",
    "Revolut",
    "Monzo",
    "Wise",
    "Adyen",
    "N26",
    "Delivery Hero",
    "HelloFresh",
    "Flutterwave",
    "Paystack",
    "Andela",
    "Jumia",
    "M-Pesa",
    "Safaricom",
    "Interswitch",
    "Kuda",
    "Moniepoint",
    "Takealot",
    "Infosys",
    "TCS",
    "Wipro",
    "Flipkart",
    "Swiggy",
    "Zomato",
    "Razorpay",
    "Freshworks",
    "Zoho",
    "Paytm",
    "Grab",
    "Gojek",
    "Sea Group",
    "Tokopedia",
    "Shopee",
    "Lazada",
    "Rakuten",
    "LINE",
    "Naver",
    "Kakao",
    "Alibaba",
    "Tencent",
    "ByteDance",
    "Baidu",
    "Huawei",
    "Xiaomi",
    "Canva",
    "Afterpay",
    "Xero",
    "Culture Amp",
    "MercadoLibre",
    "Nubank",
    "Rappi",
    "Globant",
    "iFood",
    "Kavak",
    "dLocal",
    "VTEX",
    "Despegar",
    "Totvs",
    "Deloitte",
    "Accenture",
    "McKinsey",
    "PwC",
    "EY",
    "KPMG",
    "Capgemini",
    "Thoughtworks",
    "EPAM",
    "Endava",
    "JPMorgan Chase",
    "Goldman Sachs",
    "Barclays",
    "HSBC",
    "ING",
    "BNP Paribas",
    "Deutsche Bank",
    "UBS",
    "Santander",
    "Standard Chartered",
    "Siemens",
    "Bosch",
    "Philips",
    "Ericsson",
    "Nokia",
    "ABB",
    "Schneider Electric",
    "Volvo",
    "BMW",
    "Airbus",
    "Unilever",
    "Nestlé",
    "Procter & Gamble",
    "L'Oréal",
    "IKEA",
    "Maersk",
    "DHL",
    "Vodafone",
    "Orange",
    "Telefónica",
    "GitLab",
    "GitHub",
    "HashiCorp",
    "Datadog",
    "Elastic",
    "MongoDB",
    "Confluent",
    "Snowflake",
    "Databricks",
    "Cloudflare",
    "Twilio",
    "Zendesk",
    "HubSpot",
    "Slack",
    "Notion",
    "Figma",
    "Miro",
    "Personio",
    "Pipedrive",
    "Bolt",
    "Northwind Analytics",
    "Bluepeak Software",
    "Copperleaf Labs",
    "Harborview Health",
    "Lumen Logistics",
    "Brightwater Energy",
    "Kestrel Robotics",
    "Silverline Payments",
    "Meridian Insurance",
    "Oakridge Retail",
    "Tidewater Systems",
    "Summit Biotech",
    "Redwood Fintech",
    "Granite Cloud",
    "Pioneer Mobility",
    "Aurora Games",
    "Cobalt Security",
    "Evergreen Foods",
    "Falcon Aerospace",
    "Helix Genomics",
    "Ironclad Data",
    "Juniper Learning",
    "Keystone Bank",
    "Lakeside Media",
    "Mosaic Health",
    "Nimbus Networks",
    "Orbit Telecom",
    "Prairie Agritech",
    "Quartz Analytics",
    "Riverstone Capital",
    "Sable Commerce",
    "Tandem Travel",
    "Umbra Studios",
    "Vantage Realty",
    "Willow Care",
    "Xenon Materials",
    "Yellowfin Marine",
    "Zephyr Energy",
    "Atlas Freight",
    "Beacon Legal",
    "Cascade Water",
    "Driftwood Apparel",
    "Ember Foods",
    "Fjord Shipping",
    "Gale Wind Power",
    "Hearth Home",
    "Indigo Pharma",
    "Jade Hospitality",
    "Kite Drones",
    "Lattice Semiconductors",
    "Mesa Construction",
    "Nova Telehealth",
    "Opal Jewelry",
    "Pinnacle Consulting",
    "Quill Publishing",
    "Rook Chess Labs",
    "Solstice Solar",
    "Tessera AI",
    "Upland Outdoors",
    "Vertex Automotive",
];

const UNIVERSITIES: &[&str] = &[
    "MIT",
    "Stanford",
    "Carnegie Mellon",
    "UC Berkeley",
    "Georgia Tech",
    "the University of Waterloo",
    "the University of Toronto",
    "Imperial College London",
    "the University of Cambridge",
    "ETH Zurich",
    "TU Munich",
    "EPFL",
    "Politecnico di Milano",
    "the University of Lagos",
    "the University of Nairobi",
    "the University of Cape Town",
    "IIT Bombay",
    "IIT Delhi",
    "Tsinghua University",
    "the National University of Singapore",
    "the University of Tokyo",
    "KAIST",
    "the University of São Paulo",
    "UNAM",
    "the University of Melbourne",
    "Delft University of Technology",
    "KTH",
    "the University of Warsaw",
    "Cairo University",
];

const DEGREES: &[&str] = &["BSc", "MSc", "BA", "MA", "MBA", "PhD", "BEng", "MEng"];

const SUBJECTS: &[&str] = &[
    "Computer Science",
    "Software Engineering",
    "Electrical Engineering",
    "Mathematics",
    "Statistics",
    "Physics",
    "Economics",
    "Business Administration",
    "Psychology",
    "Industrial Design",
    "Finance",
    "Marketing",
    "Data Science",
];

const INDUSTRIES: &[&str] = &[
    "fintech",
    "healthtech",
    "e-commerce",
    "logistics",
    "edtech",
    "gaming",
    "climate tech",
    "insurance",
    "media",
    "travel",
    "developer tools",
    "cybersecurity",
    "marketplaces",
    "B2B SaaS",
    "telecoms",
    "retail banking",
];

const TAGS: &[&str] = &[
    "remote-ok",
    "open-to-relocation",
    "needs-visa",
    "referral",
    "silver-medalist",
    "passive",
    "actively-looking",
    "contract",
    "part-time",
    "returner",
    "campus",
    "alumni",
    "priority",
    "top-talent",
    "notice-3-months",
    "diversity-pipeline",
];

const SOURCES: &[(&str, u32)] = &[
    ("linkedin", 34),
    ("careers", 18),
    ("referral", 14),
    ("import", 8),
    ("agency", 8),
    ("github", 5),
    ("indeed", 6),
    ("event", 3),
    ("sourcing", 4),
];

const EMAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "outlook.com",
    "yahoo.com",
    "proton.me",
    "icloud.com",
    "hotmail.com",
    "fastmail.com",
    "mail.com",
    "gmx.de",
    "yandex.ru",
];

const TOOLS_VERBS: &[&str] = &[
    "building",
    "running",
    "scaling",
    "maintaining",
    "designing",
    "rewriting",
    "owning",
];
const THINGS: &[&str] = &[
    "the payments platform",
    "internal tooling",
    "the search service",
    "a data platform",
    "the customer portal",
    "the mobile apps",
    "the recommendation engine",
    "a B2B analytics product",
    "the identity service",
    "checkout",
];

/// One sentence of recruiter notes; `{s}` a skill, `{c}` a company, `{a}` an achievement,
/// `{n}` a number, `{y}` years, `{t}` a thing built, `{v}` a verb, `{i}` an industry,
/// `{u}` a university, `{d}` a degree, `{f}` a subject, `{p}` a first name, `{w}` a city.
const SENTENCES: &[&str] = &[
    "Spent {y} years at {c} {v} {t} with {s} and {s}.",
    "At {c} they {a}.",
    "Previously at {c}, where they {a}.",
    "Strong {s} and {s}; has been moving towards {s} over the last year.",
    "Phone screen went well: clear communicator with solid {s} fundamentals.",
    "Technical interview: excellent on {s}, a bit rusty on {s}.",
    "Referred by {p} from {c}.",
    "Open to relocating to {w}; currently on a {n}-week notice period.",
    "Looking for a role in {i}, ideally with more {s}.",
    "Holds a {d} in {f} from {u}.",
    "Contributed to open-source {s} projects and speaks at local meetups.",
    "Led a team of {n} and {a}.",
    "Wants hybrid work, two days a week in the office at most.",
    "Salary expectation around {n}k plus equity; flexible for the right team.",
    "Declined our offer in {y} for a counter-offer at {c}; worth re-engaging.",
    "Hiring manager liked the take-home: clean {s}, good tests, pragmatic trade-offs.",
    "Has {y} years of {i} experience and knows {s} well.",
    "Mentors juniors and runs the {s} guild at {c}.",
    "Interested in staff-level scope and system design; not looking to manage.",
    "Reached out via {s} community Slack; responsive and friendly.",
    "Available to start in {n} weeks.",
    "Would be a strong fit for the {s} team; follow up next quarter.",
    "Portfolio shows {t} work for {c}, including {s}.",
    "Certified in {s}; also comfortable with {s} and {s}.",
];

/// Zipf-like sampling over ranks 0..n: rank r is drawn with weight 1 / (r + 1)^s.
#[derive(Debug, Clone)]
struct Zipf {
    cumulative: Vec<u64>,
}

impl Zipf {
    fn new(n: usize, s: f64) -> Zipf {
        let weights: Vec<f64> = (0..n).map(|r| 1.0 / ((r + 1) as f64).powf(s)).collect();
        let total: f64 = weights.iter().sum();
        let mut acc = 0.0;
        let cumulative = weights
            .iter()
            .map(|w| {
                acc += w / total;
                (acc * (1u64 << 32) as f64) as u64
            })
            .collect();
        Zipf { cumulative }
    }

    fn sample(&self, rng: &mut StdRng) -> usize {
        let r = u64::from(rng.random::<u32>());
        self.cumulative
            .partition_point(|&c| c <= r)
            .min(self.cumulative.len() - 1)
    }
}

/// Weighted choice among a fixed table (small tables: linear walk).
fn weighted<T: Copy>(rng: &mut StdRng, table: &[(T, u32)]) -> T {
    let total: u32 = table.iter().map(|(_, w)| w).sum();
    let mut r = rng.random_range(0..total);
    for (item, w) in table {
        if r < *w {
            return *item;
        }
        r -= w;
    }
    table[table.len() - 1].0
}

fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

/// A search as a recruiter types it, and the same search spelled out in full and without typos
/// (for engines without typo tolerance or prefix matching).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    pub text: String,
    pub exact: String,
    pub typo: bool,
    pub unfinished: bool,
}

/// The generator: everything it produces follows from the seed and the order of the calls.
pub struct Synth {
    rng: StdRng,
    counter: u64,
    skill_zipf: Zipf,
    city_zipf: Zipf,
    company_zipf: Zipf,
    family_zipfs: Vec<Zipf>,
    family_weights: Vec<(usize, u32)>,
}

impl Synth {
    pub fn new(seed: u64) -> Synth {
        Synth {
            rng: StdRng::seed_from_u64(seed),
            counter: 0,
            skill_zipf: Zipf::new(SKILLS.len(), 0.9),
            city_zipf: Zipf::new(CITIES.len(), 0.6),
            company_zipf: Zipf::new(COMPANIES.len(), 0.7),
            family_zipfs: FAMILIES
                .iter()
                .map(|f| Zipf::new(f.skills.len(), 0.8))
                .collect(),
            family_weights: FAMILIES
                .iter()
                .enumerate()
                .map(|(i, f)| (i, f.weight))
                .collect(),
        }
    }

    /// The same generator, with its email counter starting at `start`: lets several
    /// generators with different seeds produce candidates whose emails never collide.
    pub fn with_counter(mut self, start: u64) -> Synth {
        self.counter = start;
        self
    }

    fn family(&mut self) -> usize {
        let weights = std::mem::take(&mut self.family_weights);
        let f = weighted(&mut self.rng, &weights);
        self.family_weights = weights;
        f
    }

    fn skill_of(&mut self, family: usize) -> &'static str {
        if self.rng.random_bool(0.65) {
            FAMILIES[family].skills[self.family_zipfs[family].sample(&mut self.rng)]
        } else {
            SKILLS[self.skill_zipf.sample(&mut self.rng)]
        }
    }

    fn skills(&mut self, family: usize, count: usize) -> Vec<String> {
        let mut chosen: Vec<&'static str> = Vec::with_capacity(count);
        let mut attempts = 0;
        while chosen.len() < count && attempts < count * 8 {
            attempts += 1;
            let s = self.skill_of(family);
            if !chosen.contains(&s) {
                chosen.push(s);
            }
        }
        for s in FAMILIES[family].skills {
            if chosen.len() >= count {
                break;
            }
            if !chosen.contains(s) {
                chosen.push(s);
            }
        }
        chosen.into_iter().map(String::from).collect()
    }

    fn city(&mut self) -> &'static (&'static str, &'static str, &'static str, &'static str) {
        &CITIES[self.city_zipf.sample(&mut self.rng)]
    }

    fn company(&mut self) -> &'static str {
        COMPANIES[self.company_zipf.sample(&mut self.rng)]
    }

    fn name(&mut self) -> (&'static str, &'static str) {
        let culture = self.rng.random_range(0..CULTURES.len());
        let first = pick(&mut self.rng, CULTURES[culture].0);
        // One in six people carries a family name from another tradition.
        let family_culture = if self.rng.random_ratio(1, 6) {
            self.rng.random_range(0..CULTURES.len())
        } else {
            culture
        };
        let last = pick(&mut self.rng, CULTURES[family_culture].1);
        (first, last)
    }

    /// Years of experience: mostly 2–10, a long tail to 45, a few fresh graduates.
    fn experience(&mut self) -> u32 {
        let u1: f64 = self.rng.random::<f64>().max(1e-12);
        let u2: f64 = self.rng.random::<f64>().max(1e-12);
        // Gamma(2, 3.8): mode ≈ 4 years, mean ≈ 7.6.
        let years = -3.8 * (u1.ln() + u2.ln());
        (years as u32).min(45)
    }

    fn title(&mut self, family: usize, years: u32) -> String {
        let f = &FAMILIES[family];
        if years >= 9 && self.rng.random_ratio(1, 4) {
            return pick(&mut self.rng, f.leads).to_string();
        }
        let base = pick(&mut self.rng, f.titles);
        let prefix = match years {
            0..=1 if self.rng.random_bool(0.6) => "Junior ",
            0..=4 => "",
            5..=8 => {
                if self.rng.random_bool(0.7) {
                    "Senior "
                } else {
                    ""
                }
            }
            _ => weighted(
                &mut self.rng,
                &[
                    ("Senior ", 6),
                    ("Staff ", 2),
                    ("Principal ", 1),
                    ("Lead ", 2),
                    ("", 2),
                ],
            ),
        };
        if prefix.is_empty() || base.starts_with(prefix.trim_end()) {
            base.to_string()
        } else {
            let mut t = String::with_capacity(prefix.len() + base.len());
            t.push_str(prefix);
            t.push_str(base);
            t
        }
    }

    fn phone(&mut self, country_code: &str) -> String {
        let mut p = String::with_capacity(20);
        p.push('+');
        p.push_str(country_code);
        for group in [3, 3, 4] {
            p.push(' ');
            for _ in 0..group {
                p.push(char::from(b'0' + self.rng.random_range(0..10u8)));
            }
        }
        p
    }

    /// The next candidate.
    pub fn candidate(&mut self) -> NewCandidate {
        self.counter += 1;
        let n = self.counter;
        let family = self.family();
        let (first, last) = self.name();
        let years = self.experience();
        let title = self.title(family, years);
        let company = self.company();
        let &(city, country, code, _) = self.city();
        let count = 3 + (0..9).filter(|_| self.rng.random_bool(0.4)).count();
        let skills = self.skills(family, count);
        let handle = handle(first, last);

        let mut email = String::with_capacity(handle.len() + 24);
        match self.rng.random_range(0..4) {
            0 => email.push_str(&handle),
            1 => {
                email.push_str(&handle[..handle.find('.').map_or(1, |i| i.min(1))]);
                email.push_str(handle.rsplit('.').next().unwrap_or(&handle));
            }
            2 => email.push_str(&handle.replace('.', "_")),
            _ => email.push_str(&handle.replace('.', "")),
        }
        let _ = write!(email, "{n}@{}", pick(&mut self.rng, EMAIL_DOMAINS));

        let headline = self.headline(&title, company, &skills, years);
        let notes = self.notes(family, &skills, first);
        let tag_count = [0, 0, 0, 1, 1, 2, 3][self.rng.random_range(0..7)];
        let mut tags: Vec<String> = Vec::with_capacity(tag_count);
        for _ in 0..tag_count {
            let t = pick(&mut self.rng, TAGS);
            if !tags.iter().any(|x| x == t) {
                tags.push(t.to_string());
            }
        }
        let engineering = FAMILIES[family].department == "Engineering"
            || FAMILIES[family].department == "Infrastructure";
        let slug = handle.replace('.', "-");
        NewCandidate {
            full_name: format!("{first} {last}"),
            email: Some(email),
            phone: self.rng.random_bool(0.8).then(|| self.phone(code)),
            headline: Some(headline),
            location: Some(format!("{city}, {country}")),
            experience_years: Some(years),
            current_title: Some(title),
            current_company: self.rng.random_bool(0.92).then(|| company.to_string()),
            linkedin_url: self
                .rng
                .random_bool(0.7)
                .then(|| format!("https://www.linkedin.com/in/{slug}-{n}")),
            github_url: (engineering && self.rng.random_bool(0.45))
                .then(|| format!("https://github.com/{}{n}", slug.replace('-', ""))),
            website_url: self
                .rng
                .random_bool(0.08)
                .then(|| format!("https://{slug}.dev")),
            notes,
            skills: Some(skills),
            tags: Some(tags),
            source: Some(weighted(&mut self.rng, SOURCES).to_string()),
        }
    }

    fn headline(&mut self, title: &str, company: &str, skills: &[String], years: u32) -> String {
        let mut h = String::with_capacity(80);
        match self.rng.random_range(0..5) {
            0 => {
                let _ = write!(h, "{title} at {company}");
            }
            1 => {
                let _ = write!(
                    h,
                    "{title} · {}",
                    skills
                        .iter()
                        .take(3)
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            2 => {
                let _ = write!(
                    h,
                    "{title} with {years} years in {}",
                    pick(&mut self.rng, INDUSTRIES)
                );
            }
            3 => {
                let _ = write!(
                    h,
                    "{} {title} | {}",
                    if years >= 8 { "Seasoned" } else { "Curious" },
                    skills[0]
                );
            }
            _ => {
                let _ = write!(
                    h,
                    "{title}, ex-{company}, {} enthusiast",
                    skills[skills.len() - 1]
                );
            }
        }
        h
    }

    /// Recruiter notes: none for some, a line for many, long write-ups (to ~1500 chars) for a few.
    fn notes(&mut self, family: usize, skills: &[String], first: &str) -> Option<String> {
        let target = match self.rng.random_range(0..100) {
            0..=14 => return None,
            15..=49 => self.rng.random_range(40..200),
            50..=84 => self.rng.random_range(200..700),
            _ => self.rng.random_range(700..1450),
        };
        let mut out = String::with_capacity(target + 200);
        while out.len() < target {
            if !out.is_empty() {
                out.push(' ');
            }
            let template = pick(&mut self.rng, SENTENCES);
            self.fill(&mut out, template, family, skills, first);
        }
        Some(out)
    }

    fn fill(
        &mut self,
        out: &mut String,
        template: &str,
        family: usize,
        skills: &[String],
        first: &str,
    ) {
        let mut rest = template;
        while let Some(i) = rest.find('{') {
            out.push_str(&rest[..i]);
            let key = rest.as_bytes()[i + 1];
            rest = &rest[i + 3..];
            match key {
                b's' => {
                    // Mostly the candidate's own skills, sometimes another of the trade.
                    if self.rng.random_bool(0.75) {
                        out.push_str(&skills[self.rng.random_range(0..skills.len())]);
                    } else {
                        out.push_str(self.skill_of(family));
                    }
                }
                b'c' => out.push_str(self.company()),
                b'a' => {
                    let a = pick(&mut self.rng, FAMILIES[family].achievements);
                    match a.split_once("{n}") {
                        Some((before, after)) => {
                            let _ = write!(out, "{before}{}{after}", self.rng.random_range(2..90));
                        }
                        None => out.push_str(a),
                    }
                }
                b'n' => {
                    let _ = write!(out, "{}", self.rng.random_range(2..40));
                }
                b'y' => {
                    let _ = write!(out, "{}", self.rng.random_range(2..9));
                }
                b't' => out.push_str(pick(&mut self.rng, THINGS)),
                b'v' => out.push_str(pick(&mut self.rng, TOOLS_VERBS)),
                b'i' => out.push_str(pick(&mut self.rng, INDUSTRIES)),
                b'u' => out.push_str(pick(&mut self.rng, UNIVERSITIES)),
                b'd' => out.push_str(pick(&mut self.rng, DEGREES)),
                b'f' => out.push_str(pick(&mut self.rng, SUBJECTS)),
                b'p' => {
                    let (p, _) = self.name();
                    out.push_str(if p == first { "a former colleague" } else { p });
                }
                b'w' => out.push_str(self.city().0),
                _ => {}
            }
        }
        out.push_str(rest);
    }

    /// The next job (a requisition as a hiring team writes it).
    pub fn job(&mut self) -> NewJob {
        let family = self.family();
        let f = &FAMILIES[family];
        let (level, prefix) = weighted(
            &mut self.rng,
            &[
                ((Level::Junior, "Junior "), 3),
                ((Level::Mid, ""), 6),
                ((Level::Senior, "Senior "), 7),
                ((Level::Lead, "Lead "), 2),
                ((Level::Principal, "Principal "), 1),
            ],
        );
        let lead_role = self.rng.random_ratio(1, 8);
        let title = if lead_role {
            pick(&mut self.rng, f.leads).to_string()
        } else {
            format!("{prefix}{}", pick(&mut self.rng, f.titles))
        };
        let level = if lead_role { Level::Director } else { level };
        let &(city, country, _, currency) = self.city();
        let remote = weighted(
            &mut self.rng,
            &[("remote", 3), ("hybrid", 5), ("onsite", 2)],
        );
        let location = if remote == "remote" && self.rng.random_bool(0.5) {
            format!("Remote ({country})")
        } else {
            format!("{city}, {country}")
        };
        let base: u64 = match level {
            Level::Intern | Level::Junior => 45_000,
            Level::Mid => 70_000,
            Level::Senior => 100_000,
            Level::Lead | Level::Principal => 130_000,
            Level::Director | Level::Executive => 160_000,
        };
        let (min, max) = (
            base + self.rng.random_range(0..20) * 1_000,
            base + 30_000 + self.rng.random_range(0..40) * 1_000,
        );
        let (required_count, nice_count) =
            (self.rng.random_range(3..=6), self.rng.random_range(2..=4));
        let required = self.skills(family, required_count);
        let nice: Vec<String> = self
            .skills(family, nice_count)
            .into_iter()
            .filter(|s| !required.contains(s))
            .collect();
        let company = self.company();
        let mut description = String::with_capacity(1500);
        let _ = write!(
            description,
            "We are looking for a {title} to join our {} team in {city}. You will work with {} and {} on {}, alongside a team of {} people. ",
            f.department,
            required[0],
            required[required.len() - 1],
            pick(&mut self.rng, THINGS),
            self.rng.random_range(4..30),
        );
        for _ in 0..self.rng.random_range(2..6) {
            let template = pick(&mut self.rng, SENTENCES);
            self.fill(&mut description, template, family, &required, "");
            description.push(' ');
        }
        let _ = write!(
            description,
            "Our team includes people from {company} and the wider {} community.",
            pick(&mut self.rng, INDUSTRIES)
        );
        NewJob {
            title,
            department: Some(f.department.to_string()),
            location: Some(location),
            employment_type: Some(
                weighted(
                    &mut self.rng,
                    &[
                        ("full_time", 12),
                        ("contract", 3),
                        ("part_time", 1),
                        ("internship", 1),
                    ],
                )
                .to_string(),
            ),
            remote_option: Some(remote.to_string()),
            salary_min: Some(min),
            salary_max: Some(max),
            currency: Some(currency.to_string()),
            description: Some(description),
            required_skills: Some(required),
            nice_to_have_skills: Some(nice),
            skills: None,
            level: Some(level),
            status: Some(weighted(
                &mut self.rng,
                &[
                    (JobStatus::Open, 14),
                    (JobStatus::Draft, 2),
                    (JobStatus::OnHold, 1),
                    (JobStatus::Closed, 3),
                ],
            )),
            is_public: Some(self.rng.random_bool(0.7)),
        }
    }

    /// The next search a recruiter might type: 2–3 words from the same vocabulary as the
    /// candidates, about one in ten with a typo and about one in seven still being typed.
    pub fn query(&mut self) -> SearchQuery {
        let family = self.family();
        let f = &FAMILIES[family];
        let mut words: Vec<String> = Vec::with_capacity(3);
        loop {
            words.clear();
            match self.rng.random_range(0..100) {
                // "senior rust engineer"
                0..=17 => {
                    words.push(pick(&mut self.rng, SENIORITY_WORDS).to_string());
                    words.extend(query_words(self.skill_of(family)));
                    words.push(pick(&mut self.rng, f.roles).to_string());
                }
                // "python pandas"
                18..=42 => {
                    let a = self.skill_of(family);
                    let mut b = self.skill_of(family);
                    for _ in 0..4 {
                        if b != a {
                            break;
                        }
                        b = self.skill_of(family);
                    }
                    words.extend(query_words(a));
                    words.extend(query_words(b));
                }
                // "kubernetes lagos"
                43..=59 => {
                    words.extend(query_words(self.skill_of(family)));
                    words.extend(query_words(self.city().0));
                }
                // "site reliability engineer"
                60..=74 => words.extend(query_words(pick(&mut self.rng, f.titles))),
                // "data engineer berlin"
                75..=84 => {
                    words.extend(query_words(pick(&mut self.rng, f.titles)));
                    words.extend(query_words(self.city().0));
                }
                // "react shopify"
                85..=92 => {
                    words.extend(query_words(self.skill_of(family)));
                    words.extend(query_words(self.company()));
                }
                // "amara okafor"
                _ => {
                    let (first, last) = self.name();
                    words.extend(query_words(first));
                    words.extend(query_words(last));
                }
            }
            if (2..=3).contains(&words.len()) {
                break;
            }
        }
        let exact = words.join(" ");
        let mut typo = false;
        let mut unfinished = false;
        let roll = self.rng.random_range(0..100);
        if roll < 10 {
            let candidates: Vec<usize> = (0..words.len())
                .filter(|&i| words[i].chars().count() >= 5 && words[i].is_ascii())
                .collect();
            if !candidates.is_empty() {
                let i = candidates[self.rng.random_range(0..candidates.len())];
                // Swapping two equal letters changes nothing: try again.
                for _ in 0..8 {
                    let misspelt = self.misspell(&words[i]);
                    if misspelt != words[i] {
                        words[i] = misspelt;
                        typo = true;
                        break;
                    }
                }
            }
        } else if roll < 25 {
            let last = words.len() - 1;
            let n = words[last].chars().count();
            if n >= 5 && words[last].is_ascii() {
                let keep = self.rng.random_range(3..n);
                words[last].truncate(keep);
                unfinished = true;
            }
        }
        SearchQuery {
            text: words.join(" "),
            exact,
            typo,
            unfinished,
        }
    }

    /// One edit (transposition, substitution, deletion or doubled letter) inside an ASCII word.
    fn misspell(&mut self, word: &str) -> String {
        let mut b = word.as_bytes().to_vec();
        let i = self.rng.random_range(1..b.len() - 1);
        match self.rng.random_range(0..4) {
            0 => b.swap(i, i + 1),
            1 => {
                let letters = b"aeiourstnl";
                let mut c = letters[self.rng.random_range(0..letters.len())];
                if c == b[i] {
                    c = if c == b'e' { b'a' } else { b'e' };
                }
                b[i] = c;
            }
            2 => {
                b.remove(i);
            }
            _ => b.insert(i, b[i]),
        }
        String::from_utf8(b).expect("ASCII stays ASCII")
    }
}

/// Searches from their own seed, for workloads that need a fixed list.
pub fn queries(seed: u64, count: usize) -> Vec<SearchQuery> {
    let mut synth = Synth::new(seed);
    (0..count).map(|_| synth.query()).collect()
}

/// How a term is typed into a search box: lower case, split on spaces.
fn query_words(term: &str) -> impl Iterator<Item = String> + '_ {
    term.split_whitespace().map(str::to_lowercase)
}

/// `first.last` in lower-case ASCII letters: accents folded, other characters dropped.
fn handle(first: &str, last: &str) -> String {
    let mut out = String::with_capacity(first.len() + last.len() + 1);
    fold_into(&mut out, first);
    out.push('.');
    fold_into(&mut out, last);
    out
}

fn fold_into(out: &mut String, name: &str) {
    for c in name.chars() {
        let c = c.to_lowercase().next().unwrap_or(c);
        let folded = match c {
            'a'..='z' | '0'..='9' => c,
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'ễ' => 'e',
            'í' | 'ì' | 'î' | 'ï' | 'ı' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ç' | 'č' => 'c',
            'ñ' => 'n',
            'ł' => 'l',
            'ś' | 'ş' | 'š' => 's',
            'ř' => 'r',
            'ğ' => 'g',
            'ý' => 'y',
            'ž' | 'ź' | 'ż' => 'z',
            _ => continue,
        };
        out.push(folded);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::domain::candidates::validate;

    #[test]
    fn the_same_seed_gives_the_same_data() {
        let (mut a, mut b, mut c) = (Synth::new(7), Synth::new(7), Synth::new(8));
        for _ in 0..500 {
            let (x, y, z) = (a.candidate(), b.candidate(), c.candidate());
            assert_eq!(format!("{x:?}"), format!("{y:?}"));
            assert_ne!(format!("{x:?}"), format!("{z:?}"));
        }
        assert_eq!(format!("{:?}", a.job()), format!("{:?}", b.job()));
        assert_eq!(queries(3, 200), queries(3, 200));
        assert_ne!(queries(3, 200), queries(4, 200));
    }

    #[test]
    fn emails_are_unique_and_candidates_valid() {
        let mut synth = Synth::new(42);
        let mut emails = HashSet::new();
        let mut skill_counts = std::collections::HashMap::<String, usize>::new();
        let mut with_notes = 0;
        for _ in 0..20_000 {
            let row = synth.candidate();
            let email = row.email.clone().unwrap();
            assert!(email.is_ascii(), "{email}");
            assert!(emails.insert(email.clone()), "duplicate email {email}");
            let skills = row.skills.clone().unwrap();
            assert!((3..=12).contains(&skills.len()), "{skills:?}");
            for s in &skills {
                *skill_counts.entry(s.clone()).or_default() += 1;
            }
            let notes_len = row.notes.as_ref().map_or(0, |n| n.chars().count());
            assert!(notes_len <= 1_700, "notes of {notes_len} chars");
            with_notes += usize::from(notes_len > 0);
            let c = row.into_candidate(1, "import");
            validate(&c).unwrap_or_else(|e| panic!("{c:?}: {e:?}"));
            assert!(c.experience_years.unwrap() <= 45);
        }
        assert!(
            (15_000..19_000).contains(&with_notes),
            "{with_notes} of 20000 have notes"
        );
        // Zipf-like: the most common skill is far more common than the median one.
        let mut counts: Vec<usize> = skill_counts.values().copied().collect();
        counts.sort_unstable_by(|a, b| b.cmp(a));
        assert!(counts.len() > 200, "only {} distinct skills", counts.len());
        assert!(
            counts[0] > 20 * counts[counts.len() / 2],
            "{} vs {}",
            counts[0],
            counts[counts.len() / 2]
        );
    }

    #[test]
    fn vocabularies_are_consistent() {
        let all: HashSet<&str> = SKILLS.iter().copied().collect();
        assert_eq!(all.len(), SKILLS.len(), "a skill is listed twice");
        assert!((280..=320).contains(&SKILLS.len()));
        assert!((190..=210).contains(&COMPANIES.len()));
        assert!((95..=130).contains(&CITIES.len()));
        let titles: usize = FAMILIES
            .iter()
            .map(|f| f.titles.len() + f.leads.len())
            .sum();
        assert!((140..=220).contains(&titles), "{titles} titles");
        let firsts: usize = CULTURES.iter().map(|c| c.0.len()).sum();
        assert!(firsts >= 250, "{firsts} first names");
        for f in FAMILIES {
            for s in f.skills {
                // Family skills outside the global list are allowed but rare.
                if !all.contains(s) {
                    assert_eq!(*s, "Firebase");
                }
            }
        }
    }

    #[test]
    fn jobs_are_plausible() {
        let mut synth = Synth::new(1);
        for _ in 0..1_000 {
            let job = synth.job();
            assert!(!job.title.is_empty());
            assert!(job.salary_min.unwrap() <= job.salary_max.unwrap());
            let currency = job.currency.unwrap();
            assert!(currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_uppercase()));
            assert!((3..=6).contains(&job.required_skills.unwrap().len()));
            assert!(job.description.unwrap().len() > 100);
        }
    }

    #[test]
    fn queries_have_two_or_three_words_some_misspelt_some_unfinished() {
        let qs = queries(9, 2_000);
        for q in &qs {
            let n = q.text.split_whitespace().count();
            assert!((2..=3).contains(&n), "{q:?}");
            assert_eq!(n, q.exact.split_whitespace().count(), "{q:?}");
            assert_eq!(q.text == q.exact, !q.typo && !q.unfinished, "{q:?}");
            if q.unfinished {
                let (typed, full) = (
                    q.text.rsplit(' ').next().unwrap(),
                    q.exact.rsplit(' ').next().unwrap(),
                );
                assert!(
                    full.starts_with(typed) && typed.len() >= 3 && typed.len() < full.len(),
                    "{q:?}"
                );
            }
        }
        let typos = qs.iter().filter(|q| q.typo).count();
        let unfinished = qs.iter().filter(|q| q.unfinished).count();
        assert!((100..=300).contains(&typos), "{typos} typos");
        assert!((150..=450).contains(&unfinished), "{unfinished} unfinished");
        let distinct: HashSet<&str> = qs.iter().map(|q| q.text.as_str()).collect();
        assert!(
            distinct.len() > 1_500,
            "{} distinct of 2000",
            distinct.len()
        );
    }
}
