//! Vectorcall (`METH_FASTCALL | METH_KEYWORDS`) entry points, used on CPython
//! 3.10 and later.
//!
//! The wheel is built for the stable ABI of CPython 3.8 (`abi3-py38`), where pyo3
//! can only use the `METH_VARARGS | METH_KEYWORDS` convention: every call packs
//! its positional arguments into a new tuple, and its keyword arguments into a new
//! dict that pyo3 then searches by name. Measured with bench.py, that costs
//! about 40 ns on a positional call and 230 ns on a keyword call
//! (`sign(app_id=..., ...)`), where the whole of `sign` takes about 320 ns.
//!
//! `METH_FASTCALL | METH_KEYWORDS` (PEP 590), part of the stable ABI since 3.10,
//! passes a C array of arguments and a tuple of keyword names instead. On 3.10 and
//! later, module initialisation replaces each pyo3 function by a builtin of the
//! same name, signature and docstring that takes this convention and calls the
//! same Rust function; on 3.8 and 3.9 the pyo3 functions stay. The argument
//! errors are pyo3's, word for word, so both behave the same (the test suite runs
//! on both).

use std::ffi::{c_int, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::sync::{Mutex, PoisonError};

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyString;

/// `METH_FASTCALL` (CPython's `methodobject.h`; pyo3-ffi declares it only for
/// builds targeting 3.10 and later). The value has not changed since 3.7.
const METH_FASTCALL: c_int = 0x0080;

/// A `METH_FASTCALL | METH_KEYWORDS` function.
pub type FastCall = unsafe extern "C" fn(
    *mut ffi::PyObject,
    *const *mut ffi::PyObject,
    ffi::Py_ssize_t,
    *mut ffi::PyObject,
) -> *mut ffi::PyObject;

/// One argument as CPython passed it (borrowed for the duration of the call).
pub type Arg<'a, 'py> = Borrowed<'a, 'py, PyAny>;

/// The parameters of a function: all positional-or-keyword, the first
/// `required` of them without a default.
pub struct Params<const N: usize> {
    pub name: &'static str,
    pub names: [&'static CStr; N],
    pub required: usize,
}

impl<const N: usize> Params<N> {
    /// Assign the arguments of a vectorcall to the parameters, as CPython does
    /// for a function defined in Python.
    ///
    /// # Safety
    ///
    /// `args` holds `nargs` positional arguments followed by one value per name
    /// of `kwnames` (a tuple of `str`, or NULL): what CPython passes to a
    /// `METH_FASTCALL | METH_KEYWORDS` function. The references are valid for
    /// the call, which outlives `'a`.
    pub unsafe fn parse<'a, 'py>(
        &self,
        py: Python<'py>,
        args: *const *mut ffi::PyObject,
        nargs: ffi::Py_ssize_t,
        kwnames: *mut ffi::PyObject,
    ) -> PyResult<[Option<Arg<'a, 'py>>; N]> {
        // CPython strips PY_VECTORCALL_ARGUMENTS_OFFSET before calling a
        // METH_FASTCALL function: nargs is a plain count.
        let nargs = usize::try_from(nargs).unwrap_or(0);
        if nargs > N {
            return Err(self.too_many_positional(nargs));
        }
        let mut out: [Option<Arg<'a, 'py>>; N] = [None; N];
        for (i, slot) in out.iter_mut().enumerate().take(nargs) {
            // SAFETY: i < nargs, so args[i] is a valid reference (caller contract).
            *slot = Some(unsafe { Borrowed::from_ptr(py, *args.add(i)) });
        }
        if !kwnames.is_null() {
            // SAFETY: kwnames is a tuple (caller contract).
            let count = unsafe { ffi::PyTuple_Size(kwnames) };
            for j in 0..usize::try_from(count).unwrap_or(0) {
                // SAFETY: j < len(kwnames); PyTuple_GetItem returns a borrowed str.
                let name = unsafe { ffi::PyTuple_GetItem(kwnames, j as ffi::Py_ssize_t) };
                // SAFETY: one value per keyword name follows the positional ones.
                let value = unsafe { Borrowed::from_ptr(py, *args.add(nargs + j)) };
                // SAFETY: `name` is a str and every candidate a NUL-terminated ASCII string.
                let index = self.names.iter().position(|candidate| unsafe {
                    ffi::PyUnicode_CompareWithASCIIString(name, candidate.as_ptr()) == 0
                });
                match index {
                    None => {
                        // SAFETY: `name` is a valid borrowed reference.
                        let name = unsafe { Borrowed::from_ptr(py, name) };
                        let name: &Bound<'py, PyAny> = &name;
                        return Err(PyTypeError::new_err(format!(
                            "{}() got an unexpected keyword argument '{name}'",
                            self.name
                        )));
                    }
                    Some(i) if out[i].is_some() => {
                        return Err(PyTypeError::new_err(format!(
                            "{}() got multiple values for argument '{}'",
                            self.name,
                            self.param(i)
                        )));
                    }
                    Some(i) => out[i] = Some(value),
                }
            }
        }
        if out[..self.required].iter().any(Option::is_none) {
            return Err(self.missing(&out));
        }
        Ok(out)
    }

    fn param(&self, i: usize) -> &'static str {
        self.names[i].to_str().unwrap_or("?")
    }

    #[cold]
    fn too_many_positional(&self, given: usize) -> PyErr {
        let was = if given == 1 { "was" } else { "were" };
        let takes = if self.required == N {
            format!("{N}")
        } else {
            format!("from {} to {N}", self.required)
        };
        PyTypeError::new_err(format!(
            "{}() takes {takes} positional arguments but {given} {was} given",
            self.name
        ))
    }

    #[cold]
    fn missing(&self, out: &[Option<Arg<'_, '_>>]) -> PyErr {
        let missing: Vec<&str> = (0..self.required)
            .filter(|&i| out[i].is_none())
            .map(|i| self.param(i))
            .collect();
        let mut list = String::new();
        for (i, name) in missing.iter().enumerate() {
            if i > 0 {
                if missing.len() > 2 {
                    list.push(',');
                }
                list.push_str(if i == missing.len() - 1 { " and " } else { " " });
            }
            list.push('\'');
            list.push_str(name);
            list.push('\'');
        }
        let plural = if missing.len() == 1 { "" } else { "s" };
        PyTypeError::new_err(format!(
            "{}() missing {} required positional argument{plural}: {list}",
            self.name,
            missing.len()
        ))
    }
}

/// The body of a `METH_FASTCALL` function: run `f`, return its object or raise
/// its error; a panic becomes `voipsign.InternalError` (never `PanicException`).
///
/// `Python::attach` finds the thread attached (CPython holds the GIL for us) and
/// only records it in pyo3's per-thread state, as pyo3's own trampolines do, so
/// that Python references dropped during the call (an error replaced by another)
/// are released at once instead of being queued for later.
pub fn entry(
    f: impl for<'py> FnOnce(Python<'py>) -> PyResult<Bound<'py, PyAny>>,
) -> *mut ffi::PyObject {
    Python::attach(|py| {
        let result = catch_unwind(AssertUnwindSafe(|| f(py))).unwrap_or_else(|_| {
            Err(crate::InternalError::new_err(
                voipsign::ErrorCode::Internal.description(),
            ))
        });
        match result {
            Ok(obj) => obj.into_ptr(),
            Err(err) => {
                err.restore(py);
                ptr::null_mut()
            }
        }
    })
}

/// The addresses of the definitions `install` made, which live for the process.
///
/// Only to keep them reachable: CPython frees the function objects (the only
/// other holders of the pointers) when the interpreter finalizes, after which a
/// leak checker would report every definition as lost (`make test-valgrind`).
static DEFINITIONS: Mutex<Vec<usize>> = Mutex::new(Vec::new());

/// Replace the module's pyo3 function `name` by a builtin calling `f` with the
/// vectorcall convention, keeping its `__text_signature__` and `__doc__`.
pub fn install(module: &Bound<'_, PyModule>, name: &'static CStr, f: FastCall) -> PyResult<()> {
    let py = module.py();
    let c_name = name;
    let name = name
        .to_str()
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    let old = module.getattr(name)?;
    let signature: String = old.getattr("__text_signature__")?.extract()?;
    let doc: String = old.getattr("__doc__")?.extract()?;
    // CPython splits "name(signature)\n--\n\n" off the doc into __text_signature__.
    let doc = CString::new(format!("{name}{signature}\n--\n\n{doc}"))?;
    let flags: c_int = METH_FASTCALL | ffi::METH_KEYWORDS;
    // The definition must live as long as the function: for the process, as
    // pyo3's own definitions do (a module is initialised once per process).
    let def: &'static mut ffi::PyMethodDef = Box::leak(Box::new(ffi::PyMethodDef {
        ml_name: c_name.as_ptr(),
        ml_meth: ffi::PyMethodDefPointer {
            // SAFETY: with METH_FASTCALL | METH_KEYWORDS in ml_flags, CPython calls
            // ml_meth with the FastCall signature; the union only stores the pointer.
            PyCFunction: unsafe { std::mem::transmute::<FastCall, ffi::PyCFunction>(f) },
        },
        ml_flags: flags,
        ml_doc: doc.into_raw(),
    }));
    DEFINITIONS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(std::ptr::addr_of!(*def) as usize);
    let module_name: Bound<'_, PyString> = module.name()?;
    // SAFETY: `def` is valid for the process; self is the module (as for any
    // module-level builtin) and the module name sets __module__.
    let function = unsafe {
        Bound::from_owned_ptr_or_err(
            py,
            ffi::PyCFunction_NewEx(def, module.as_ptr(), module_name.as_ptr()),
        )?
    };
    module.setattr(name, function)
}

/// Define `unsafe extern "C" fn $fast` taking the vectorcall convention: it
/// parses the arguments with `$params` and calls `$body` with them, as
/// `&Bound<PyAny>` for required parameters and `Option<&Bound<PyAny>>` for the
/// others.
macro_rules! fastcall_fn {
    ($fast:ident, $params:expr, |$py:ident, [$($req:ident),*], [$($opt:ident),*]| $body:block) => {
        /// A `METH_FASTCALL | METH_KEYWORDS` builtin (see `fastcall::install`).
        ///
        /// # Safety
        ///
        /// Called only by CPython, with the GIL held, as a
        /// `METH_FASTCALL | METH_KEYWORDS` function: `args` holds `nargs`
        /// positional arguments followed by one value per name of `kwnames` (a
        /// tuple of `str`, or NULL), all valid for the call.
        unsafe extern "C" fn $fast(
            _module: *mut pyo3::ffi::PyObject,
            args: *const *mut pyo3::ffi::PyObject,
            nargs: pyo3::ffi::Py_ssize_t,
            kwnames: *mut pyo3::ffi::PyObject,
        ) -> *mut pyo3::ffi::PyObject {
            $crate::fastcall::entry(|$py| {
                // SAFETY: CPython calls this as a METH_FASTCALL | METH_KEYWORDS
                // function: `args`, `nargs` and `kwnames` are what parse() expects.
                let [$($req,)* $($opt,)*] = unsafe { $params.parse($py, args, nargs, kwnames) }?;
                $(
                    // Present: parse() checked every required parameter.
                    let $req = $req.ok_or_else(|| {
                        pyo3::exceptions::PyTypeError::new_err("missing argument")
                    })?;
                    let $req: &Bound<'_, PyAny> = &$req;
                )*
                $(let $opt = $opt.as_deref();)*
                $body
            })
        }
    };
}

pub(crate) use fastcall_fn;
