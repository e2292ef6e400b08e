package rapport

import "context"

// Caller is who makes a request: a member acting through one session or one
// personal access token. The zero Caller is an anonymous visitor.
type Caller struct {
	MemberID  int64
	Handle    string
	SessionID int64 // the session the request came with, or 0
	TokenID   int64 // the personal access token the request came with, or 0
	// SeatID is the seat the request acts from, 0 when it acts for the
	// personal account: one request acts in one context, never both. The
	// service checks, at every request, that the seat is the caller's and
	// active.
	SeatID int64
}

// Anonymous reports whether the caller is not signed in.
func (c Caller) Anonymous() bool { return c.MemberID == 0 }

type callerKey struct{}

// NewContextWithCaller returns a copy of ctx that carries the caller.
func NewContextWithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFromContext returns the caller carried by ctx, or the anonymous
// caller when there is none.
func CallerFromContext(ctx context.Context) Caller {
	c, _ := ctx.Value(callerKey{}).(Caller)
	return c
}
