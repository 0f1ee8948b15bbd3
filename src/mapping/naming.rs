//! The naming rule's word operations.

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

pub fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// English plural of the last word of a snake_case name (`ebs_block_device` → `ebs_block_devices`).
pub fn pluralize(name: &str) -> String {
    let (head, last) = match name.rfind('_') {
        Some(i) => name.split_at(i + 1),
        None => ("", name),
    };
    let plural = plural_word(last);
    format!("{head}{plural}")
}

fn plural_word(word: &str) -> String {
    const SAME: &[&str] = &["data", "metadata", "info", "information", "series", "news"];
    if word.is_empty() || SAME.contains(&word) {
        return word.to_string();
    }
    // Words that already are plural stay as they are (`subnet_ids`, `tags`).
    if word.ends_with("ss") || word.ends_with("us") || word.ends_with("is") {
        return format!("{word}es");
    }
    if word.ends_with('s') {
        return word.to_string();
    }
    if word.ends_with("sh") || word.ends_with("ch") || word.ends_with('x') || word.ends_with('z') {
        return format!("{word}es");
    }
    if let Some(stem) = word.strip_suffix('y') {
        if !stem.ends_with(['a', 'e', 'i', 'o', 'u']) {
            return format!("{stem}ies");
        }
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
        assert_eq!(pluralize("ebs_block_device"), "ebs_block_devices");
        assert_eq!(pluralize("policy"), "policies");
        assert_eq!(pluralize("access"), "accesses");
        assert_eq!(pluralize("subnet_ids"), "subnet_ids");
        assert_eq!(pluralize("key"), "keys");
        assert_eq!(pluralize("metadata"), "metadata");
    }
}
