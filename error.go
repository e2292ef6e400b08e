package rapport

import (
	"errors"
	"fmt"
	"time"
)

// The closed set of error kinds. The web layer maps each kind to one HTTP
// status in one table; anything that is not an *Error is an internal error
// and its text is never shown to a user.
const (
	EINVALID      = "invalid"      // the input breaks a rule; Field names it
	EBADREQUEST   = "bad_request"  // the request itself is malformed
	ENOTFOUND     = "not_found"    // no such thing, or the caller may not know it exists
	ECONFLICT     = "conflict"     // the thing exists already, or the state forbids it
	EUNAUTHORIZED = "unauthorized" // no valid credentials, or wrong ones
	EFORBIDDEN    = "forbidden"    // valid credentials, but not allowed
	ERATELIMITED  = "rate_limited" // too many attempts; RetryAfter says when to try again
	ETOOLARGE     = "too_large"    // the body is larger than the limit
	EUNSUPPORTED  = "unsupported"  // the content type is not accepted
	EINTERNAL     = "internal"     // a failure of ours; the message is always generic
	EUNAVAILABLE  = "unavailable"  // too busy right now; try again in a moment
)

// Error is an error a user may see: a kind, a message that is safe to show,
// and for invalid input the name of the field at fault.
type Error struct {
	Code       string
	Message    string
	Field      string
	RetryAfter time.Duration
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("rapport error: code=%s field=%s message=%s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("rapport error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error of the given kind with a formatted message.
func Errorf(code string, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EINVALID error about one field.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the kind of err, or EINTERNAL when err is not an *Error.
// It returns "" for a nil error.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err. Internal errors get a
// generic message so that nothing about our internals leaks out.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrorField returns the field an EINVALID error is about, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
