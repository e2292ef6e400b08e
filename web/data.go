package web

import (
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/service"
)

// maxArchiveBytes is the largest archive an import takes.
const maxArchiveBytes = 64 << 20

type exportResponse struct {
	ID        int64      `json:"id"`
	Status    string     `json:"status"`
	Done      int        `json:"done"`
	Total     int        `json:"total"`
	Size      int64      `json:"size"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at"`
}

func newExportResponse(e *rapport.DataExport) exportResponse {
	out := exportResponse{ID: e.ID, Status: e.Status, Done: e.Done, Total: e.Total, Size: e.Size, CreatedAt: e.CreatedAt}
	if !e.ExpiresAt.IsZero() {
		out.ExpiresAt = &e.ExpiresAt
	}
	return out
}

type passwordRequest struct {
	Password string `json:"password"`
}

type archiveReportResponse struct {
	Profile    bool                 `json:"profile"`
	Positions  int                  `json:"positions"`
	Education  int                  `json:"education"`
	Skills     int                  `json:"skills"`
	Contacts   importReportResponse `json:"contacts"`
	Invited    []memberCardResponse `json:"invited"`
	Connected  []memberCardResponse `json:"connected"`
	NotInvited []notInvitedResponse `json:"not_invited"`
}

type notInvitedResponse struct {
	Member memberCardResponse `json:"member"`
	Reason string             `json:"reason"`
}

func (s *Server) newArchiveReportResponse(r *http.Request, rep *service.ArchiveReport) archiveReportResponse {
	members := append(append([]*rapport.Member{}, rep.Invited...), rep.Connected...)
	for _, n := range rep.NotInvited {
		members = append(members, n.Member)
	}
	cs := s.cardsFor(r, members...)
	out := archiveReportResponse{Profile: rep.Profile, Positions: rep.Positions, Education: rep.Education, Skills: rep.Skills,
		Contacts: newImportReportResponse(rep.Contacts), Invited: []memberCardResponse{}, Connected: []memberCardResponse{}, NotInvited: []notInvitedResponse{}}
	for _, m := range rep.Invited {
		out.Invited = append(out.Invited, cs.card(m))
	}
	for _, m := range rep.Connected {
		out.Connected = append(out.Connected, cs.card(m))
	}
	for _, n := range rep.NotInvited {
		out.NotInvited = append(out.NotInvited, notInvitedResponse{Member: cs.card(n.Member), Reason: n.Reason})
	}
	return out
}

func (s *Server) handleAPIExports(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.Exports.List(r.Context())
	if err != nil {
		return err
	}
	out := []exportResponse{}
	for _, e := range list {
		out = append(out, newExportResponse(e))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleAPIExportCreate(w http.ResponseWriter, r *http.Request) error {
	e, err := s.svc.Exports.Request(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, newExportResponse(e))
	return nil
}

// sendArchive answers with a ZIP archive.
func sendArchive(w http.ResponseWriter, archive []byte, id int64) {
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="rapport-data-`+strconv.FormatInt(id, 10)+`.zip"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(archive)
}

func (s *Server) handleAPIExportDownload(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var req passwordRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	archive, err := s.svc.Exports.Download(r.Context(), id, req.Password)
	if err != nil {
		return err
	}
	sendArchive(w, archive, id)
	return nil
}

func (s *Server) handleAPIArchiveImport(w http.ResponseWriter, r *http.Request) error {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var rep *service.ArchiveReport
	switch mt {
	case "application/zip":
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			return err
		}
		if rep, err = s.svc.Imports.ImportArchive(r.Context(), raw); err != nil {
			return err
		}
	case "text/csv":
		var err error
		if rep, err = s.svc.Imports.ImportConnections(r.Context(), r.Body); err != nil {
			return err
		}
	default:
		return rapport.Errorf(rapport.EUNSUPPORTED, "Send an archive as application/zip, or a Connections.csv as text/csv.")
	}
	writeJSON(w, http.StatusOK, s.newArchiveReportResponse(r, rep))
	return nil
}

// dataPage is the page of the member's data: archives to download, and
// imports.
type dataPage struct {
	Exports  []*rapport.DataExport
	Building bool
	Report   *service.ArchiveReport
}

func (s *Server) dataPage(w http.ResponseWriter, r *http.Request, data *pageData, err error) error {
	list, listErr := s.svc.Exports.List(r.Context())
	if listErr != nil {
		return listErr
	}
	page := data.Data
	if page == nil {
		page = &dataPage{}
		data.Data = page
	}
	page.Exports = list
	for _, e := range list {
		page.Building = page.Building || e.Status == rapport.ExportBuilding
	}
	if page.Building {
		data.Refresh = 2
	}
	if err != nil {
		return s.formError(w, r, "data", data, err)
	}
	return s.render(w, http.StatusOK, "data", data)
}

func (s *Server) handleDataPage(w http.ResponseWriter, r *http.Request) error {
	return s.dataPage(w, r, s.newPage(r, "Your data"), nil)
}

func (s *Server) handleExportRequestForm(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Your data")
	data.Form = "export"
	if _, err := s.svc.Exports.Request(r.Context()); err != nil {
		return s.dataPage(w, r, data, err)
	}
	return redirect(w, r, "/settings/data", "exporting")
}

func (s *Server) handleExportDownloadForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	data := s.newPage(r, "Your data")
	data.Form = "download-" + strconv.FormatInt(id, 10)
	archive, err := s.svc.Exports.Download(r.Context(), id, r.PostFormValue("password"))
	if err != nil {
		return s.dataPage(w, r, data, err)
	}
	sendArchive(w, archive, id)
	return nil
}

func (s *Server) handleArchiveImportForm(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Your data")
	data.Form = "import"
	data.Values = map[string]string{"file": ""}
	file, header, err := r.FormFile("file")
	if err != nil {
		return s.dataPage(w, r, data, rapport.FieldError("file", "Choose an archive (.zip) or a Connections.csv file."))
	}
	defer file.Close()
	var rep *service.ArchiveReport
	if name := header.Filename; len(name) > 4 && (name[len(name)-4:] == ".csv" || name[len(name)-4:] == ".CSV") {
		rep, err = s.svc.Imports.ImportConnections(r.Context(), file)
	} else {
		raw, readErr := io.ReadAll(file)
		if readErr != nil {
			return readErr
		}
		rep, err = s.svc.Imports.ImportArchive(r.Context(), raw)
	}
	if err != nil {
		return s.dataPage(w, r, data, err)
	}
	data.Data = &dataPage{Report: rep}
	return s.dataPage(w, r, data, nil)
}

func (s *Server) handleAPIAccountClose(w http.ResponseWriter, r *http.Request) error {
	var req passwordRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if err := s.svc.Accounts.Close(r.Context(), req.Password); err != nil {
		return err
	}
	s.clearSessionCookie(w)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleClosePage(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, http.StatusOK, "close", s.newPage(r, "Close your account"))
}

func (s *Server) handleCloseForm(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Close your account")
	if err := s.svc.Accounts.Close(r.Context(), r.PostFormValue("password")); err != nil {
		return s.formError(w, r, "close", data, err)
	}
	s.clearSessionCookie(w)
	return redirect(w, r, "/", "closed")
}
