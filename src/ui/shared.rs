//! [`Shared`]: a prop that is equal only to itself.
//!
//! Yew re-renders a component when its props differ from the last ones. Comparing a big value
//! (the console's transcript, the charts' data) field by field on every frame would cost more
//! than the render it saves; instead the app makes a new `Shared` exactly when the value
//! changes, and a panel's props compare by pointer. Kept apart so that the panels share one
//! such rule instead of each writing its own `PartialEq`.

use std::ops::Deref;
use std::rc::Rc;

/// A value shared by reference, whose equality is identity (`Rc::ptr_eq`): two `Shared` are
/// equal when they are clones of the same one, even if equal values were made twice.
#[derive(Debug, Default)]
pub struct Shared<T>(Rc<T>);

impl<T> Shared<T> {
    pub fn new(value: T) -> Shared<T> {
        Shared(Rc::new(value))
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Shared<T> {
        Shared(Rc::clone(&self.0))
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Shared<T>) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> From<T> for Shared<T> {
    fn from(value: T) -> Shared<T> {
        Shared::new(value)
    }
}
