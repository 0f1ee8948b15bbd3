//! Terraform's built-in functions: the names the converter knows and how many arguments each takes.
//! How each one is written in a target language is the emitters' business; this table makes sure an
//! unknown name or a wrong argument count is reported once, at its source span.

/// One built-in function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FunctionInfo {
    pub name: &'static str,
    pub min_args: usize,
    /// `None`: variadic.
    pub max_args: Option<usize>,
}

impl FunctionInfo {
    /// A complaint about `count` arguments, or `None` when the count is fine.
    pub fn check_arity(&self, count: usize) -> Option<String> {
        if count < self.min_args {
            return Some(format!(
                "takes at least {} argument(s), got {count}",
                self.min_args
            ));
        }
        match self.max_args {
            Some(max) if count > max => {
                Some(format!("takes at most {max} argument(s), got {count}"))
            }
            _ => None,
        }
    }
}

const fn f(name: &'static str, min_args: usize, max_args: Option<usize>) -> FunctionInfo {
    FunctionInfo {
        name,
        min_args,
        max_args,
    }
}

const V: Option<usize> = None;
const fn n(max: usize) -> Option<usize> {
    Some(max)
}

/// Every function of Terraform 1.x's language (`terraform console` / docs, without provider functions).
pub const FUNCTIONS: &[FunctionInfo] = &[
    // numeric
    f("abs", 1, n(1)),
    f("ceil", 1, n(1)),
    f("floor", 1, n(1)),
    f("log", 2, n(2)),
    f("max", 1, V),
    f("min", 1, V),
    f("parseint", 2, n(2)),
    f("pow", 2, n(2)),
    f("signum", 1, n(1)),
    // string
    f("chomp", 1, n(1)),
    f("endswith", 2, n(2)),
    f("format", 1, V),
    f("formatlist", 1, V),
    f("indent", 2, n(2)),
    f("join", 2, V),
    f("lower", 1, n(1)),
    f("regex", 2, n(2)),
    f("regexall", 2, n(2)),
    f("replace", 3, n(3)),
    f("split", 2, n(2)),
    f("startswith", 2, n(2)),
    f("strcontains", 2, n(2)),
    f("strrev", 1, n(1)),
    f("substr", 3, n(3)),
    f("templatestring", 2, n(2)),
    f("title", 1, n(1)),
    f("trim", 2, n(2)),
    f("trimprefix", 2, n(2)),
    f("trimsuffix", 2, n(2)),
    f("trimspace", 1, n(1)),
    f("upper", 1, n(1)),
    // collection
    f("alltrue", 1, n(1)),
    f("anytrue", 1, n(1)),
    f("chunklist", 2, n(2)),
    f("coalesce", 1, V),
    f("coalescelist", 1, V),
    f("compact", 1, n(1)),
    f("concat", 1, V),
    f("contains", 2, n(2)),
    f("distinct", 1, n(1)),
    f("element", 2, n(2)),
    f("flatten", 1, n(1)),
    f("index", 2, n(2)),
    f("keys", 1, n(1)),
    f("length", 1, n(1)),
    f("list", 0, V),
    f("lookup", 2, n(3)),
    f("map", 0, V),
    f("matchkeys", 3, n(3)),
    f("merge", 0, V),
    f("one", 1, n(1)),
    f("range", 1, n(3)),
    f("reverse", 1, n(1)),
    f("setintersection", 1, V),
    f("setproduct", 1, V),
    f("setsubtract", 2, n(2)),
    f("setunion", 1, V),
    f("slice", 3, n(3)),
    f("sort", 1, n(1)),
    f("sum", 1, n(1)),
    f("transpose", 1, n(1)),
    f("values", 1, n(1)),
    f("zipmap", 2, n(2)),
    // encoding
    f("base64decode", 1, n(1)),
    f("base64encode", 1, n(1)),
    f("base64gzip", 1, n(1)),
    f("csvdecode", 1, n(1)),
    f("jsondecode", 1, n(1)),
    f("jsonencode", 1, n(1)),
    f("textdecodebase64", 2, n(2)),
    f("textencodebase64", 2, n(2)),
    f("urlencode", 1, n(1)),
    f("yamldecode", 1, n(1)),
    f("yamlencode", 1, n(1)),
    // filesystem
    f("abspath", 1, n(1)),
    f("dirname", 1, n(1)),
    f("pathexpand", 1, n(1)),
    f("basename", 1, n(1)),
    f("file", 1, n(1)),
    f("fileexists", 1, n(1)),
    f("fileset", 2, n(2)),
    f("filebase64", 1, n(1)),
    f("templatefile", 2, n(2)),
    // date and time
    f("formatdate", 2, n(2)),
    f("plantimestamp", 0, n(0)),
    f("timeadd", 2, n(2)),
    f("timecmp", 2, n(2)),
    f("timestamp", 0, n(0)),
    // hash and crypto
    f("base64sha256", 1, n(1)),
    f("base64sha512", 1, n(1)),
    f("bcrypt", 1, n(2)),
    f("filebase64sha256", 1, n(1)),
    f("filebase64sha512", 1, n(1)),
    f("filemd5", 1, n(1)),
    f("filesha1", 1, n(1)),
    f("filesha256", 1, n(1)),
    f("filesha512", 1, n(1)),
    f("md5", 1, n(1)),
    f("rsadecrypt", 2, n(2)),
    f("sha1", 1, n(1)),
    f("sha256", 1, n(1)),
    f("sha512", 1, n(1)),
    f("uuid", 0, n(0)),
    f("uuidv5", 2, n(2)),
    // IP network
    f("cidrhost", 2, n(2)),
    f("cidrnetmask", 1, n(1)),
    f("cidrsubnet", 3, n(3)),
    f("cidrsubnets", 1, V),
    // type conversion
    f("can", 1, n(1)),
    f("ephemeralasnull", 1, n(1)),
    f("issensitive", 1, n(1)),
    f("nonsensitive", 1, n(1)),
    f("sensitive", 1, n(1)),
    f("tobool", 1, n(1)),
    f("tolist", 1, n(1)),
    f("tomap", 1, n(1)),
    f("tonumber", 1, n(1)),
    f("toset", 1, n(1)),
    f("tostring", 1, n(1)),
    f("try", 1, V),
    f("type", 1, n(1)),
];

pub fn lookup(name: &str) -> Option<&'static FunctionInfo> {
    FUNCTIONS.iter().find(|f| f.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_arity_is_checked() {
        let mut names: Vec<&str> = FUNCTIONS.iter().map(|f| f.name).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len());
        assert!(before >= 115, "{before}");
        let Some(replace) = lookup("replace") else {
            panic!("replace is missing")
        };
        assert!(replace.check_arity(3).is_none());
        assert!(replace.check_arity(2).is_some());
        assert!(lookup("nope").is_none());
    }
}
