//! Path names: joining a path to a working directory and folding `.` and `..`
//! lexically (the file system has no symbolic links to follow).

use alloc::string::String;
use alloc::vec::Vec;
use sv39_abi::fcntl::{NAME_MAX, PATH_MAX};

/// Why a path was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathError {
    /// The path is empty (ENOENT).
    Empty,
    /// The path or one of its names is too long (ENAMETOOLONG).
    TooLong,
}

/// The components of `path` resolved against the absolute directory `cwd`:
/// no empty names, no `.`, and `..` applied (`..` of the root is the root).
pub fn resolve<'a>(cwd: &'a str, path: &'a str) -> Result<Vec<&'a str>, PathError> {
    if path.is_empty() {
        return Err(PathError::Empty);
    }
    if path.len() >= PATH_MAX {
        return Err(PathError::TooLong);
    }
    let mut parts: Vec<&str> = Vec::new();
    let base = if path.starts_with('/') { "" } else { cwd };
    for name in base.split('/').chain(path.split('/')) {
        match name {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            n if n.len() > NAME_MAX => return Err(PathError::TooLong),
            n => parts.push(n),
        }
    }
    Ok(parts)
}

/// The absolute path of `parts` (`/` for none).
pub fn join(parts: &[&str]) -> String {
    if parts.is_empty() {
        return String::from("/");
    }
    let mut s = String::new();
    for p in parts {
        s.push('/');
        s.push_str(p);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_and_absolute() {
        assert_eq!(resolve("/usr", "bin/ls").unwrap(), ["usr", "bin", "ls"]);
        assert_eq!(resolve("/usr", "/bin//ls/").unwrap(), ["bin", "ls"]);
        assert_eq!(resolve("/", ".").unwrap(), Vec::<&str>::new());
    }

    #[test]
    fn dot_dot_stops_at_the_root() {
        assert_eq!(resolve("/a/b", "../c").unwrap(), ["a", "c"]);
        assert_eq!(resolve("/", "../../x").unwrap(), ["x"]);
        assert_eq!(join(&resolve("/a", "..").unwrap()), "/");
    }

    #[test]
    fn limits() {
        assert_eq!(resolve("/", ""), Err(PathError::Empty));
        let long = "x".repeat(NAME_MAX + 1);
        assert_eq!(resolve("/", &long), Err(PathError::TooLong));
        assert_eq!(resolve("/", &"a/".repeat(PATH_MAX / 2)), Err(PathError::TooLong));
        assert_eq!(join(&["tmp", "f"]), "/tmp/f");
    }
}
