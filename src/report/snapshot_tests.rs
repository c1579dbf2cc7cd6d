//! Snapshots of what people read, from the fixed county year in `fixtures::county_year`: the
//! bulletin's text and print page, and the weekly report's print page. A change to the wording
//! or the layout shows as a diff of the `.snap` files in `snapshots/`, to be read and accepted
//! (`cargo insta review`, or `INSTA_UPDATE=always cargo test --lib`).

use super::fixtures::county_year;
use super::render::{bulletin_html, weekly_html};

#[test]
fn bulletin_text() {
    insta::assert_snapshot!(county_year::bulletin_sep().text());
}

#[test]
fn bulletin_print_page() {
    insta::assert_snapshot!(bulletin_html(&county_year::bulletin_sep()));
}

#[test]
fn weekly_print_page() {
    insta::assert_snapshot!(weekly_html(&county_year::weekly_w40()));
}
