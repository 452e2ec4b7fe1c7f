//! Migration of a Nikola site to Hugo or Jekyll.
