//! The six RIASEC interest areas (Holland's codes, as O*NET describes them), in O*NET's order
//! R, I, A, S, E, C: the order of scores, interest profiles and [`AREAS`] everywhere in Waypoint.
//!
//! Descriptions are the O*NET 29 Content Model's (elements 1.B.1.a-f); keywords are
//! `riasec-keywords.tsv` and activities the "General" rows of
//! `interests-illustrative-activities.tsv` (O*NET 29.3, CC BY 4.0). A server test checks the
//! keywords and activities against the bundled files.

/// One interest area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InterestArea {
    /// R, I, A, S, E or C.
    pub letter: char,
    pub name: &'static str,
    pub description: &'static str,
    /// What people with this interest like to do (action words) and work with (objects).
    pub keywords: &'static [&'static str],
    /// Example activities.
    pub activities: &'static [&'static str],
}

pub const AREAS: [InterestArea; 6] = [
    InterestArea {
        letter: 'R',
        name: "Realistic",
        description: "Work involves designing, building, or repairing of equipment, materials, or structures, engaging in physical activity, or working outdoors. Realistic occupations are often associated with engineering, mechanics and electronics, construction, woodworking, transportation, machine operation, agriculture, animal services, physical or manual labor, athletics, or protective services.",
        keywords: &[
            "Build", "Drive", "Install", "Maintain", "Repair", "Work with Hands", "Animals", "Electronics", "Equipment",
            "Machines", "Plants", "Real-World Materials like Wood", "Tools",
        ],
        activities: &[
            "Build kitchen cabinets.",
            "Drive a truck to deliver packages to offices and homes.",
            "Put out forest fires.",
            "Repair household appliances.",
        ],
    },
    InterestArea {
        letter: 'I',
        name: "Investigative",
        description: "Work involves studying and researching non-living objects, living organisms, disease or other forms of impairment, or human behavior. Investigative occupations are often associated with physical, life, medical, or social sciences, and can be found in the fields of humanities, mathematics/statistics, information technology, or health care service.",
        keywords: &[
            "Analyze", "Diagnose", "Discover", "Problem Solve", "Research", "Study", "Test", "Think", "Facts", "Ideas",
            "Knowledge", "Laboratory", "Science",
        ],
        activities: &[
            "Develop a new medicine.",
            "Develop a way to better predict the weather.",
            "Study ways to reduce water pollution.",
            "Work in a biology lab.",
        ],
    },
    InterestArea {
        letter: 'A',
        name: "Artistic",
        description: "Work involves creating original visual artwork, performances, written works, food, or music for a variety of media, or applying artistic principles to the design of various objects and materials. Artistic occupations are often associated with visual arts, applied arts and design, performing arts, music, creative writing, media, or culinary art.",
        keywords: &[
            "Compose", "Create", "Dance", "Design", "Perform", "Self-Express", "Write", "Art", "Graphics", "Media", "Music",
            "Theatre",
        ],
        activities: &["Compose or arrange music.", "Create special effects for movies.", "Draw pictures.", "Write books or plays."],
    },
    InterestArea {
        letter: 'S',
        name: "Social",
        description: "Work involves helping, teaching, advising, assisting, or providing service to others. Social occupations are often associated with social, health care, personal service, teaching/education, or religious activities.",
        keywords: &[
            "Advise", "Educate", "Guide", "Help", "Nurture", "Teach", "Communication", "Health", "People", "Service", "Social",
        ],
        activities: &[
            "Give career guidance to people.",
            "Help people with personal or emotional problems.",
            "Perform rehabilitation therapy.",
            "Teach a high school class.",
        ],
    },
    InterestArea {
        letter: 'E',
        name: "Enterprising",
        description: "Work involves managing, negotiating, marketing, or selling, typically in a business setting, or leading or advising people in political and legal situations. Enterprising occupations are often associated with business initiatives, sales, marketing/advertising, finance, management/administration, professional advising, public speaking, politics, or law.",
        keywords: &[
            "Direct", "Lead", "Manage", "Market", "Negotiate", "Sell", "Supervise", "Business", "Customer", "Employee", "Law",
            "Politics", "Product",
        ],
        activities: &[
            "Manage a department within a large company.",
            "Market a new line of clothing.",
            "Represent a client in a lawsuit.",
            "Start your own business.",
        ],
    },
    InterestArea {
        letter: 'C',
        name: "Conventional",
        description: "Work involves following procedures and regulations to organize information or data, typically in a business setting. Conventional occupations are often associated with office work, accounting, mathematics/statistics, information technology, finance, or human resources.",
        keywords: &[
            "Attention to Detail", "File", "Inspect", "Organize", "Record", "Sort", "Data", "Files", "Information", "Office",
            "Procedures", "Regulations", "Rules",
        ],
        activities: &[
            "Develop a spreadsheet using computer software.",
            "Inventory supplies using a handheld computer.",
            "Keep shipping and receiving records.",
            "Load computer software into a large computer network.",
        ],
    },
];

/// The area with this letter (R, I, A, S, E or C, either case).
pub fn area(letter: char) -> Option<&'static InterestArea> {
    AREAS.iter().find(|area| area.letter == letter.to_ascii_uppercase())
}

/// The position of an area's letter in R, I, A, S, E, C.
pub fn index_of(letter: char) -> Option<usize> {
    AREAS.iter().position(|area| area.letter == letter.to_ascii_uppercase())
}

/// "Investigative, Conventional and Realistic" for "ICR"; letters that aren't areas are skipped.
pub fn names_of(code: &str) -> String {
    let names: Vec<&str> = code.chars().filter_map(area).map(|area| area.name).collect();
    join_names(&names)
}

/// "A", "A and B", "A, B and C".
pub fn join_names(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_areas_are_in_riasec_order_with_o_net_descriptions() {
        let letters: String = AREAS.iter().map(|a| a.letter).collect();
        assert_eq!(letters, "RIASEC");
        assert!(AREAS[3]
            .description
            .starts_with("Work involves helping, teaching, advising, assisting, or providing service to others."));
        for area in AREAS {
            assert!(area.description.starts_with("Work involves"), "{}", area.name);
            assert!(area.keywords.len() >= 10 && area.activities.len() == 4, "{}", area.name);
        }
    }

    #[test]
    fn letters_and_names_convert() {
        assert_eq!(area('s').map(|a| a.name), Some("Social"));
        assert_eq!(index_of('C'), Some(5));
        assert_eq!(area('X'), None);
        assert_eq!(names_of("ICR"), "Investigative, Conventional and Realistic");
        assert_eq!(names_of("SA"), "Social and Artistic");
        assert_eq!(names_of(""), "");
    }
}
