package rapport

import "time"

// Statuses of an archive of a member's data.
const (
	ExportBuilding = "building"
	ExportReady    = "ready"
	ExportFailed   = "failed"
)

// ExportTTL is how long an archive is offered for download.
const ExportTTL = 72 * time.Hour

// DataExport is an archive of a member's data, built in the background.
type DataExport struct {
	ID        int64
	MemberID  int64
	Status    string
	Done      int // steps done of Total, while it is built
	Total     int
	Size      int64 // bytes of the archive, once ready
	CreatedAt time.Time
	UpdatedAt time.Time
	ExpiresAt time.Time // once ready
}

// ExportConnection is one of a member's connections as their archive
// lists it.
type ExportConnection struct {
	FirstName, LastName string
	Handle              string
	Email               string // only where the connection lets connections see it
	Company, Position   string // the connection's current position
	ConnectedOn         time.Time
	Note                string
	Tags                []string
}
