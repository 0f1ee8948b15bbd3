//! The naming rule's word operations.
//!
//! The plural follows the English inflection Pulumi's bridge applies to list attributes, as observed in the
//! collected data (`tests/mapping_names.rs` measures it against the npm SDKs' property names): `metadata` →
//! `metadatas`, `info` → `infos`, `index` → `indices`, `kinesis` → `kineses`, `alias` → `aliases`, and words
//! that already end in `s` (`apis`, `uris`, `subnet_ids`) stay as they are.

/// `ipv6_cidr_block` → `ipv6CidrBlock`: drop each `_` and upper-case the next letter.
pub fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `aclPolicy` → `acl_policy`: the inverse of [`camel_case`] for names made by it.
pub fn snake_case(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    let mut prev_lower_or_digit = false;
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            if prev_lower_or_digit {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower_or_digit = false;
        } else {
            prev_lower_or_digit = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c);
        }
    }
    out
}

pub fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// English plural of the last word of a snake_case name (`ebs_block_device` → `ebs_block_devices`).
pub fn pluralize(name: &str) -> String {
    let (head, last) = split_last_word(name);
    format!("{head}{}", plural_word(last))
}

/// The inverse of [`pluralize`] where one exists (`ebs_block_devices` → `ebs_block_device`); a name that is
/// not the plural of anything comes back unchanged. Mass nouns stay (`data` is not taken for `datum`s).
pub fn singularize(name: &str) -> String {
    let (head, last) = split_last_word(name);
    let lower = last.to_ascii_lowercase();
    // `status`, `access`, `analysis` are singular although a shorter word pluralises to them.
    if ["us", "ss", "is"].iter().any(|s| lower.ends_with(s)) {
        return name.to_string();
    }
    let mut candidates: Vec<String> = Vec::new();
    if let Some((singular, _)) = IRREGULAR.iter().find(|(_, plural)| *plural == lower) {
        candidates.push((*singular).to_string());
    }
    for (suffix, replacements) in [
        ("ices", &["ix", "ex"][..]),
        ("ies", &["y"][..]),
        ("ves", &["f", "fe"][..]),
        ("ses", &["s", "se", "sis"][..]),
        ("es", &["", "e"][..]),
        ("i", &["us"][..]),
        ("s", &[""][..]),
    ] {
        if let Some(stem) = last.strip_suffix(suffix) {
            candidates.extend(replacements.iter().map(|r| format!("{stem}{r}")));
        }
    }
    candidates
        .into_iter()
        .find(|c| !c.is_empty() && plural_word(c) == last && c != last)
        .map_or_else(|| name.to_string(), |c| format!("{head}{c}"))
}

fn split_last_word(name: &str) -> (&str, &str) {
    match name.rfind('_') {
        Some(i) => name.split_at(i + 1),
        None => ("", name),
    }
}

/// Words whose plural is the word itself.
const UNINFLECTED: &[&str] = &[
    "information",
    "equipment",
    "news",
    "series",
    "species",
    "rice",
    "sheep",
    "fish",
    "deer",
    "moose",
    "swine",
    "trout",
    "salmon",
    "debris",
    "chassis",
    "corps",
    "headquarters",
];

/// Irregular singular → plural pairs.
const IRREGULAR: &[(&str, &str)] = &[
    ("person", "people"),
    ("man", "men"),
    ("woman", "women"),
    ("child", "children"),
    ("ox", "oxen"),
    ("foot", "feet"),
    ("tooth", "teeth"),
    ("goose", "geese"),
    ("mouse", "mice"),
];

/// Latin `-us` words whose plural is `-i`.
const US_TO_I: &[&str] = &[
    "alumnus", "bacillus", "cactus", "focus", "fungus", "nucleus", "radius", "stimulus",
    "syllabus", "terminus", "virus",
];

fn plural_word(word: &str) -> String {
    let lower = word.to_ascii_lowercase();
    if word.is_empty() || UNINFLECTED.contains(&lower.as_str()) {
        return word.to_string();
    }
    if let Some((_, plural)) = IRREGULAR.iter().find(|(singular, _)| *singular == lower) {
        return (*plural).to_string();
    }
    let ends = |suffix: &str| lower.ends_with(suffix);
    let stem = |n: usize| word.get(..word.len().saturating_sub(n)).unwrap_or(word);
    if ends("status") || ends("alias") {
        return format!("{word}es");
    }
    if ends("quiz") {
        return format!("{word}zes");
    }
    if ["matrix", "vertex", "index", "appendix"]
        .iter()
        .any(|s| ends(s))
    {
        return format!("{}ices", stem(2));
    }
    if ends("x") || ends("ch") || ends("ss") || ends("sh") || ends("z") {
        return format!("{word}es");
    }
    if let Some(before) = lower.strip_suffix('y') {
        if before.ends_with("qu") || !before.ends_with(['a', 'e', 'i', 'o', 'u', 'y']) {
            return format!("{}ies", stem(1));
        }
    }
    if let Some(before) = lower.strip_suffix("fe") {
        if !before.ends_with('f') {
            return format!("{}ves", stem(2));
        }
    }
    if lower
        .strip_suffix('f')
        .is_some_and(|b| b.ends_with(['l', 'r']))
    {
        return format!("{}ves", stem(1));
    }
    if ends("sis") {
        return format!("{}ses", stem(3));
    }
    if lower
        .strip_suffix("um")
        .is_some_and(|b| b.ends_with(['t', 'i']))
    {
        return format!("{}a", stem(2));
    }
    if US_TO_I.iter().any(|s| ends(s)) {
        return format!("{}i", stem(2));
    }
    if ends("us") {
        return format!("{word}es");
    }
    if ends("buffalo") || ends("tomato") || ends("potato") {
        return format!("{word}es");
    }
    if ends("s") {
        return word.to_string();
    }
    format!("{word}s")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_and_plural() {
        assert_eq!(camel_case("ipv6_cidr_block"), "ipv6CidrBlock");
        assert_eq!(camel_case("name"), "name");
        assert_eq!(camel_case("_private"), "private");
        for (singular, plural) in [
            ("ebs_block_device", "ebs_block_devices"),
            ("policy", "policies"),
            ("access", "accesses"),
            ("subnet_ids", "subnet_ids"),
            ("key", "keys"),
            ("metadata", "metadatas"),
            ("encryption_info", "encryption_infos"),
            ("partition_index", "partition_indices"),
            ("kinesis", "kineses"),
            ("alias", "aliases"),
            ("apis", "apis"),
            ("resource_uris", "resource_uris"),
            ("status", "statuses"),
            ("radius", "radii"),
            ("bonus", "bonuses"),
            ("datum", "data"),
            ("shelf", "shelves"),
            ("life", "lives"),
            ("address", "addresses"),
            ("box", "boxes"),
            ("gateway", "gateways"),
            ("person", "people"),
            ("information", "information"),
        ] {
            assert_eq!(pluralize(singular), plural, "{singular}");
        }
    }

    #[test]
    fn singular_inverts_plural() {
        for (plural, singular) in [
            ("ebs_block_devices", "ebs_block_device"),
            ("policies", "policy"),
            ("accesses", "access"),
            ("addresses", "address"),
            ("partition_indices", "partition_index"),
            ("aliases", "alias"),
            ("metadatas", "metadata"),
            ("statuses", "status"),
            ("people", "person"),
            ("boxes", "box"),
            ("rules", "rule"),
        ] {
            assert_eq!(singularize(plural), singular, "{plural}");
        }
        // Not the plural of anything the rule makes: unchanged.
        assert_eq!(singularize("status"), "status");
        assert_eq!(singularize("data"), "data");
    }

    #[test]
    fn snake_inverts_camel() {
        assert_eq!(snake_case("aclPolicy"), "acl_policy");
        assert_eq!(snake_case("ipv6CidrBlock"), "ipv6_cidr_block");
        assert_eq!(snake_case("name"), "name");
        assert_eq!(snake_case("AclPolicy"), "acl_policy");
    }
}
