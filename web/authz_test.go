package web_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/password"
	"github.com/rapportnet/rapport/service"
	"github.com/rapportnet/rapport/web"
)

// Kinds of caller the authorization table knows so far.
const (
	anonymous = "anonymous"  // no credentials
	owner     = "owner"      // the member whose objects the path names
	stranger  = "stranger"   // another member, not connected
	ended     = "ended"      // a session that was logged out
	connected = "connection" // a member connected to the owner
	blocked   = "blocked"    // a member the owner blocked
	blocker   = "blocker"    // a member who blocked the owner
	second    = "2nd-degree" // a connection of the owner's connection
	closed    = "closed"     // a member whose account is closed, with the token they had
	operator  = "operator"   // a site operator, with no tie to the owner
	// The owner works at an organization (a position linked to its page)
	// and holds an active Recruiter seat of it. Around them:
	orgSuper    = "org super admin"   // the organization's super admin, its creator
	orgContent  = "org content admin" // its content admin
	orgSeats    = "org seat admin"    // its seat admin
	revokedSeat = "revoked holder"    // a member whose seat of it was revoked
	otherSeat   = "other org holder"  // a member holding a seat of another organization
)

// orgKinds may change an organization; on the routes that change one, each
// is tried on a fixture of its own, so that one's change does not decide
// another's answer.
var orgKinds = []string{orgSuper, orgContent, orgSeats}

// toLogin stands for "303 to the sign-in page": what a page that needs a
// member answers an anonymous visitor.
const toLogin = 1303

// expect is one row of the authorization table: the answer each kind of
// caller gets. Ended sessions and closed accounts answer like anonymous
// callers, but 401 to a bearer token on the API (see expected).
type expect struct {
	anonymous, owner, stranger int
}

var (
	open     = expect{200, 200, 200}
	api401   = func(ok int) expect { return expect{401, ok, ok} }
	apiOwned = func(ok int) expect { return expect{401, ok, 404} }
	page     = func(ok int) expect { return expect{toLogin, ok, ok} }
	owned    = func(ok int) expect { return expect{toLogin, ok, 404} }
)

// A connection and a blocked member get what a stranger gets, but where
// these say otherwise.
var (
	connectionGets = map[string]int{
		"GET /api/v1/members/{handle}/connections": 200,
		// The owner's post is for their connections.
		"GET /api/v1/posts/{id}":             200,
		"PATCH /api/v1/posts/{id}":           403,
		"PUT /api/v1/posts/{id}/reaction":    204,
		"DELETE /api/v1/posts/{id}/reaction": 404, // they left none
		"GET /api/v1/posts/{id}/comments":    200,
		"POST /api/v1/posts/{id}/comments":   201,
		"GET /posts/{id}":                    200,
		"POST /posts/{id}/edit":              403,
		"POST /posts/{id}/react":             303,
		"POST /posts/{id}/comments":          303,
	}
	blockedGets = map[string]int{
		"POST /api/v1/reports":                     404,
		"POST /report":                             404,
		"GET /api/v1/members/{handle}/posts":       404,
		"GET /api/v1/members/{handle}":             404,
		"GET /api/v1/members/{handle}/mutuals":     404,
		"GET /api/v1/members/{handle}/path":        404,
		"GET /api/v1/members/{handle}/connections": 404,
		"GET /in/{handle}":                         404,
	}
)

// orgGets are the answers of organization roles and seat holders, where
// they differ from a stranger's.
var orgGets = map[string]map[string]int{
	"PATCH /api/v1/organizations/{slug}":                         {orgSuper: 200, orgContent: 200},
	"GET /api/v1/organizations/{slug}/admins":                    {orgSuper: 200, orgContent: 200, orgSeats: 200},
	"POST /api/v1/organizations/{slug}/admins":                   {orgSuper: 200},
	"DELETE /api/v1/organizations/{slug}/admins/{handle}/{role}": {orgSuper: 204, orgContent: 204}, // the content admin steps down
	"GET /api/v1/organizations/{slug}/audit":                     {orgSuper: 200, orgContent: 200, orgSeats: 200},
	"GET /api/v1/organizations/{slug}/seats":                     {orgSuper: 200, orgSeats: 200},
	"POST /api/v1/organizations/{slug}/seats/{id}/assign":        {orgSuper: 204, orgSeats: 204},
	"POST /api/v1/organizations/{slug}/seats/{id}/reassign":      {orgSuper: 204, orgSeats: 204},
	"POST /api/v1/organizations/{slug}/seats/{id}/revoke":        {orgSuper: 204, orgSeats: 204},
	"GET /api/v1/recruiter/search":                               {otherSeat: 200},
	"GET /api/v1/recruiter/members/{handle}":                     {otherSeat: 200},
	// Another organization's holder reaches their own seat's work, never
	// the owner's seat's: its ids answer as if they did not exist.
	"GET /api/v1/recruiter/projects":                             {otherSeat: 200},
	"POST /api/v1/recruiter/projects":                            {otherSeat: 201},
	"GET /api/v1/recruiter/projects/{id}":                        {otherSeat: 404},
	"PATCH /api/v1/recruiter/projects/{id}":                      {otherSeat: 404},
	"DELETE /api/v1/recruiter/projects/{id}":                     {otherSeat: 404},
	"PUT /api/v1/recruiter/projects/{id}/candidates/{handle}":    {otherSeat: 404},
	"DELETE /api/v1/recruiter/projects/{id}/candidates/{handle}": {otherSeat: 404},
	"GET /api/v1/recruiter/members/{handle}/notes":               {otherSeat: 200},
	"POST /api/v1/recruiter/members/{handle}/notes":              {otherSeat: 201},
	"DELETE /api/v1/recruiter/notes/{id}":                        {otherSeat: 404},
	"GET /api/v1/recruiter/saved-searches":                       {otherSeat: 200},
	"POST /api/v1/recruiter/saved-searches":                      {otherSeat: 201},
	"DELETE /api/v1/recruiter/saved-searches/{id}":               {otherSeat: 404},
	"GET /api/v1/recruiter/inmail":                               {otherSeat: 200},
	"POST /api/v1/recruiter/inmail":                              {otherSeat: 201},
	"GET /api/v1/recruiter/inmail/{id}":                          {otherSeat: 404},
	"POST /api/v1/recruiter/inmail/{id}/messages":                {otherSeat: 404},

	"GET /org/{slug}/admin":                                    {orgSuper: 200, orgContent: 200, orgSeats: 200},
	"POST /org/{slug}/edit":                                    {orgSuper: 303, orgContent: 303},
	"POST /org/{slug}/admins":                                  {orgSuper: 303},
	"POST /org/{slug}/admins/{handle}/{role}/revoke":           {orgSuper: 303, orgContent: 303},
	"POST /org/{slug}/seats/{id}/assign":                       {orgSuper: 303, orgSeats: 303},
	"POST /org/{slug}/seats/{id}/reassign":                     {orgSuper: 303, orgSeats: 303},
	"POST /org/{slug}/seats/{id}/revoke":                       {orgSuper: 303, orgSeats: 303},
	"GET /recruiter":                                           {otherSeat: 200},
	"GET /recruiter/in/{handle}":                               {otherSeat: 200},
	"GET /recruiter/projects":                                  {otherSeat: 200},
	"POST /recruiter/projects":                                 {otherSeat: 303},
	"GET /recruiter/projects/{id}":                             {otherSeat: 404},
	"POST /recruiter/projects/{id}/rename":                     {otherSeat: 404},
	"POST /recruiter/projects/{id}/delete":                     {otherSeat: 404},
	"POST /recruiter/projects/{id}/candidates/{handle}":        {otherSeat: 404},
	"POST /recruiter/projects/{id}/candidates/{handle}/remove": {otherSeat: 404},
	"POST /recruiter/in/{handle}/project":                      {otherSeat: 404},
	"POST /recruiter/in/{handle}/notes":                        {otherSeat: 303},
	"POST /recruiter/notes/{id}/delete":                        {otherSeat: 404},
	"POST /recruiter/saved-searches":                           {otherSeat: 303},
	"POST /recruiter/saved-searches/{id}/delete":               {otherSeat: 404},
	"GET /recruiter/inmail":                                    {otherSeat: 200},
	"POST /recruiter/inmail":                                   {otherSeat: 303},
	"GET /recruiter/inmail/{id}":                               {otherSeat: 404},
	"POST /recruiter/inmail/{id}/messages":                     {otherSeat: 404},
	"POST /api/v1/organizations/{slug}/posts":                  {orgSuper: 201, orgContent: 201},
	"POST /org/{slug}/posts":                                   {orgSuper: 303, orgContent: 303},
	// The operators' routes answer 404 to anyone but an operator. The
	// world's report is about the owner, who is not suspended: reinstating
	// needs a reason first (422), which tells an operator's answer from
	// anyone else's.
	"GET /api/v1/operator/reports":                 {operator: 200},
	"GET /api/v1/operator/reports/{id}":            {operator: 200},
	"POST /api/v1/operator/reports/{id}/decision":  {operator: 200},
	"POST /api/v1/operator/reports/{id}/reinstate": {operator: 422},
	"GET /api/v1/operator/audit":                   {operator: 200},
	"GET /operator/reports":                        {operator: 200},
	"GET /operator/reports/{id}":                   {operator: 200},
	"POST /operator/reports/{id}/decision":         {operator: 303},
	"POST /operator/reports/{id}/reinstate":        {operator: 422},
	"GET /operator/audit":                          {operator: 200},
}

// authzTable lists every route of the route table. A route missing here
// fails TestAuthorizationTable.
var authzTable = map[string]expect{
	"GET /healthz":          open,
	"GET /readyz":           open,
	"GET /metrics":          open,
	"GET /static/":          open,
	"GET /api/openapi.json": open,

	"POST /api/v1/accounts":                {201, 201, 201},
	"POST /api/v1/sessions":                {201, 201, 201},
	"DELETE /api/v1/sessions/current":      api401(204),
	"DELETE /api/v1/sessions":              api401(200),
	"POST /api/v1/password-resets":         {202, 202, 202},
	"POST /api/v1/password-resets/confirm": {404, 404, 404},

	"GET /api/v1/me":                   api401(200),
	"PATCH /api/v1/me/profile":         api401(200),
	"GET /api/v1/me/positions":         api401(200),
	"POST /api/v1/me/positions":        api401(201),
	"PUT /api/v1/me/positions/{id}":    apiOwned(200),
	"DELETE /api/v1/me/positions/{id}": apiOwned(204),
	"GET /api/v1/me/education":         api401(200),
	"POST /api/v1/me/education":        api401(201),
	"PUT /api/v1/me/education/{id}":    apiOwned(200),
	"DELETE /api/v1/me/education/{id}": apiOwned(204),
	"GET /api/v1/me/skills":            api401(200),
	"PUT /api/v1/me/skills":            api401(200),
	"PUT /api/v1/me/password":          api401(204),
	"PUT /api/v1/me/email":             api401(200),
	"GET /api/v1/me/sessions":          api401(200),
	"DELETE /api/v1/me/sessions/{id}":  apiOwned(204),
	"GET /api/v1/me/tokens":            api401(200),
	"POST /api/v1/me/tokens":           api401(201),
	"DELETE /api/v1/me/tokens/{id}":    apiOwned(204),
	"GET /api/v1/members/{handle}":     open,

	"POST /api/v1/organizations":                                 {401, 201, 201},
	"GET /api/v1/organizations/{slug}":                           open,
	"PATCH /api/v1/organizations/{slug}":                         {401, 403, 403},
	"GET /api/v1/organizations/{slug}/followers":                 open,
	"GET /api/v1/organizations/{slug}/employees":                 open,
	"PUT /api/v1/organizations/{slug}/follow":                    api401(204),
	"DELETE /api/v1/organizations/{slug}/follow":                 api401(204),
	"GET /api/v1/organizations/{slug}/admins":                    {401, 403, 403},
	"POST /api/v1/organizations/{slug}/admins":                   {401, 403, 403},
	"DELETE /api/v1/organizations/{slug}/admins/{handle}/{role}": {401, 403, 403},
	"GET /api/v1/organizations/{slug}/audit":                     {401, 403, 403},
	"GET /api/v1/organizations/{slug}/seats":                     {401, 403, 403},
	"POST /api/v1/organizations/{slug}/seats/{id}/assign":        {401, 403, 403},
	"POST /api/v1/organizations/{slug}/seats/{id}/reassign":      {401, 403, 403},
	"POST /api/v1/organizations/{slug}/seats/{id}/revoke":        {401, 403, 403},
	"GET /api/v1/me/organizations":                               api401(200),
	"GET /api/v1/me/seats":                                       api401(200),
	"POST /api/v1/me/seats/{id}/accept":                          apiOwned(204),
	"POST /api/v1/me/seats/{id}/decline":                         apiOwned(204),
	"POST /api/v1/me/seats/{id}/leave":                           apiOwned(204),
	"GET /api/v1/me/audit":                                       api401(200),
	"GET /api/v1/me/open-to-work":                                api401(200),
	"PUT /api/v1/me/open-to-work":                                api401(200),
	"DELETE /api/v1/me/open-to-work":                             api401(204),
	"GET /api/v1/recruiter/search":                               {401, 200, 403},
	"GET /api/v1/recruiter/members/{handle}":                     {401, 200, 403},
	"GET /api/v1/search/members":                                 open,
	"GET /api/v1/typeahead":                                      open,
	"GET /api/v1/typeahead/schools":                              api401(200),

	"POST /api/v1/invitations":                 api401(201),
	"GET /api/v1/invitations/received":         api401(200),
	"GET /api/v1/invitations/sent":             api401(200),
	"POST /api/v1/invitations/{id}/accept":     apiOwned(204),
	"POST /api/v1/invitations/{id}/ignore":     apiOwned(204),
	"POST /api/v1/invitations/{id}/dont-know":  apiOwned(204),
	"DELETE /api/v1/invitations/{id}":          apiOwned(204),
	"GET /api/v1/me/connections":               api401(200),
	"DELETE /api/v1/me/connections/{handle}":   apiOwned(204),
	"PUT /api/v1/me/connections/{handle}/note": apiOwned(200),
	"GET /api/v1/members/{handle}/connections": {401, 200, 403},
	"GET /api/v1/me/blocks":                    api401(200),
	"GET /api/v1/me/following":                 api401(200),
	"GET /api/v1/me/followers":                 api401(200),
	"POST /api/v1/me/following":                api401(204),
	"DELETE /api/v1/me/following/{handle}":     apiOwned(204),
	"GET /api/v1/me/suggestions":               api401(200),
	"GET /api/v1/members/{handle}/mutuals":     api401(200),
	"GET /api/v1/members/{handle}/path":        api401(200),
	"POST /api/v1/me/blocks":                   api401(204),
	"DELETE /api/v1/me/blocks/{handle}":        apiOwned(204),

	"GET /{$}":                                  open,
	"GET /signup":                               open,
	"POST /signup":                              {303, 303, 303},
	"GET /login":                                open,
	"POST /login":                               {303, 303, 303},
	"POST /logout":                              page(303),
	"GET /password/forgot":                      open,
	"POST /password/forgot":                     {303, 303, 303},
	"GET /password/reset/{token}":               open,
	"POST /password/reset/{token}":              {404, 404, 404},
	"GET /in/{handle}":                          open,
	"GET /search":                               open,
	"GET /me":                                   page(303),
	"GET /me/edit":                              page(200),
	"POST /me/profile":                          page(303),
	"POST /me/positions":                        page(303),
	"GET /me/positions/{id}/edit":               owned(200),
	"POST /me/positions/{id}":                   owned(303),
	"POST /me/positions/{id}/delete":            owned(303),
	"POST /me/education":                        page(303),
	"GET /me/education/{id}/edit":               owned(200),
	"POST /me/education/{id}":                   owned(303),
	"POST /me/education/{id}/delete":            owned(303),
	"POST /me/skills":                           page(303),
	"GET /settings":                             page(200),
	"GET /network":                              page(200),
	"GET /network/invite/{handle}":              page(200),
	"POST /network/invitations":                 page(303),
	"POST /network/invitations/{id}/accept":     owned(303),
	"POST /network/invitations/{id}/ignore":     owned(303),
	"POST /network/invitations/{id}/dont-know":  owned(303),
	"POST /network/invitations/{id}/withdraw":   owned(303),
	"POST /network/connections/{handle}/remove": owned(303),
	"POST /network/connections/{handle}/note":   owned(303),
	"POST /network/blocks":                      page(303),
	"POST /network/blocks/{handle}/remove":      owned(303),
	"POST /settings/password":                   page(303),
	"POST /settings/email":                      page(303),
	"POST /settings/sessions/{id}/delete":       owned(303),
	"POST /settings/sessions/logout-all":        page(303),
	"POST /settings/tokens":                     page(200),
	"POST /settings/tokens/{id}/delete":         owned(303),

	"GET /organizations/new":                                   page(200),
	"POST /organizations":                                      page(303),
	"GET /org/{slug}":                                          open,
	"POST /org/{slug}/follow":                                  page(303),
	"POST /org/{slug}/unfollow":                                page(303),
	"GET /org/{slug}/admin":                                    {toLogin, 403, 403},
	"POST /org/{slug}/edit":                                    {toLogin, 403, 403},
	"POST /org/{slug}/admins":                                  {toLogin, 403, 403},
	"POST /org/{slug}/admins/{handle}/{role}/revoke":           {toLogin, 403, 403},
	"POST /org/{slug}/seats/{id}/assign":                       {toLogin, 403, 403},
	"POST /org/{slug}/seats/{id}/reassign":                     {toLogin, 403, 403},
	"POST /org/{slug}/seats/{id}/revoke":                       {toLogin, 403, 403},
	"GET /seats":                                               page(200),
	"POST /seats/{id}/accept":                                  owned(303),
	"POST /seats/{id}/decline":                                 owned(303),
	"POST /seats/{id}/switch":                                  {toLogin, 303, 403},
	"POST /seats/{id}/leave":                                   owned(303),
	"POST /seats/personal":                                     page(303),
	"GET /recruiter":                                           {toLogin, 200, 403},
	"GET /recruiter/in/{handle}":                               {toLogin, 200, 403},
	"POST /me/open-to-work":                                    page(303),
	"POST /me/open-to-work/delete":                             page(303),
	"GET /recruiter/projects":                                  {toLogin, 200, 403},
	"POST /recruiter/projects":                                 {toLogin, 303, 403},
	"GET /recruiter/projects/{id}":                             {toLogin, 200, 403},
	"POST /recruiter/projects/{id}/rename":                     {toLogin, 303, 403},
	"POST /recruiter/projects/{id}/delete":                     {toLogin, 303, 403},
	"POST /recruiter/projects/{id}/candidates/{handle}":        {toLogin, 303, 403},
	"POST /recruiter/projects/{id}/candidates/{handle}/remove": {toLogin, 303, 403},
	"POST /recruiter/in/{handle}/project":                      {toLogin, 303, 403},
	"POST /recruiter/in/{handle}/notes":                        {toLogin, 303, 403},
	"POST /recruiter/notes/{id}/delete":                        {toLogin, 303, 403},
	"POST /recruiter/saved-searches":                           {toLogin, 303, 403},
	"POST /recruiter/saved-searches/{id}/delete":               {toLogin, 303, 403},
	"GET /recruiter/inmail":                                    {toLogin, 200, 403},
	"POST /recruiter/inmail":                                   {toLogin, 303, 403},
	"GET /recruiter/inmail/{id}":                               {toLogin, 200, 403},
	"POST /recruiter/inmail/{id}/messages":                     {toLogin, 303, 403},
	"GET /inmail":                                              page(200),
	"GET /inmail/{id}":                                         owned(200),
	"POST /inmail/{id}/reply":                                  owned(303),
	"POST /inmail/{id}/decline":                                owned(303),
	"POST /inmail/{id}/report":                                 owned(303),

	"GET /api/v1/search/organizations":                           open,
	"GET /api/v1/typeahead/organizations":                        open,
	"GET /api/v1/recruiter/projects":                             {401, 200, 403},
	"POST /api/v1/recruiter/projects":                            {401, 201, 403},
	"GET /api/v1/recruiter/projects/{id}":                        {401, 200, 403},
	"PATCH /api/v1/recruiter/projects/{id}":                      {401, 200, 403},
	"DELETE /api/v1/recruiter/projects/{id}":                     {401, 204, 403},
	"PUT /api/v1/recruiter/projects/{id}/candidates/{handle}":    {401, 200, 403},
	"DELETE /api/v1/recruiter/projects/{id}/candidates/{handle}": {401, 204, 403},
	"GET /api/v1/recruiter/members/{handle}/notes":               {401, 200, 403},
	"POST /api/v1/recruiter/members/{handle}/notes":              {401, 201, 403},
	"DELETE /api/v1/recruiter/notes/{id}":                        {401, 204, 403},
	"GET /api/v1/recruiter/saved-searches":                       {401, 200, 403},
	"POST /api/v1/recruiter/saved-searches":                      {401, 201, 403},
	"DELETE /api/v1/recruiter/saved-searches/{id}":               {401, 204, 403},
	"GET /api/v1/recruiter/inmail":                               {401, 200, 403},
	"POST /api/v1/recruiter/inmail":                              {401, 201, 403},
	"GET /api/v1/recruiter/inmail/{id}":                          {401, 200, 403},
	"POST /api/v1/recruiter/inmail/{id}/messages":                {401, 200, 403},
	"GET /api/v1/me/inmail":                                      api401(200),
	"GET /api/v1/me/inmail/{id}":                                 apiOwned(200),
	"POST /api/v1/me/inmail/{id}/reply":                          apiOwned(200),
	"POST /api/v1/me/inmail/{id}/decline":                        apiOwned(204),
	"POST /api/v1/me/inmail/{id}/report":                         apiOwned(204),

	"GET /api/v1/feed":                             api401(200),
	"POST /api/v1/posts":                           api401(201),
	"GET /api/v1/posts/{id}":                       {404, 200, 404},
	"PATCH /api/v1/posts/{id}":                     {401, 200, 404},
	"DELETE /api/v1/posts/{id}":                    apiOwned(204),
	"PUT /api/v1/posts/{id}/reaction":              {401, 204, 404},
	"DELETE /api/v1/posts/{id}/reaction":           {401, 204, 404},
	"GET /api/v1/posts/{id}/comments":              {404, 200, 404},
	"POST /api/v1/posts/{id}/comments":             {401, 201, 404},
	"DELETE /api/v1/posts/{id}/comments/{comment}": apiOwned(204),
	"GET /api/v1/members/{handle}/posts":           open,
	"GET /api/v1/organizations/{slug}/posts":       open,
	"POST /api/v1/organizations/{slug}/posts":      {401, 403, 403},
	"GET /api/v1/me/sharing":                       api401(200),
	"PUT /api/v1/me/sharing":                       api401(200),

	"POST /posts":                                page(303),
	"GET /posts/{id}":                            {404, 200, 404},
	"POST /posts/{id}/edit":                      {toLogin, 303, 404},
	"POST /posts/{id}/delete":                    owned(303),
	"POST /posts/{id}/react":                     {toLogin, 303, 404},
	"POST /posts/{id}/unreact":                   owned(303),
	"POST /posts/{id}/comments":                  {toLogin, 303, 404},
	"POST /posts/{id}/comments/{comment}/delete": owned(303),
	"POST /org/{slug}/posts":                     {toLogin, 403, 403},
	"POST /settings/sharing":                     page(303),

	"GET /api/v1/messages":                 api401(200),
	"POST /api/v1/messages":                {401, 201, 403},
	"GET /api/v1/messages/{id}":            apiOwned(200),
	"POST /api/v1/messages/{id}/messages":  apiOwned(201),
	"POST /api/v1/messages/{id}/read":      apiOwned(204),
	"POST /api/v1/messages/{id}/leave":     apiOwned(204),
	"GET /api/v1/notifications":            api401(200),
	"POST /api/v1/notifications/read":      api401(204),
	"POST /api/v1/notifications/{id}/read": apiOwned(204),
	"GET /api/v1/notifications/stream":     api401(200),
	"GET /api/v1/me/unread":                api401(200),
	"GET /api/v1/me/profile-views":         api401(200),
	"GET /api/v1/me/profile-viewing":       api401(200),
	"PUT /api/v1/me/profile-viewing":       api401(200),
	"GET /messages":                        page(200),
	"POST /messages":                       {toLogin, 303, 403},
	"GET /messages/{id}":                   owned(200),
	"POST /messages/{id}":                  owned(303),
	"POST /messages/{id}/leave":            owned(303),
	"GET /notifications":                   page(200),
	"POST /notifications/read":             page(303),
	"GET /me/views":                        page(200),
	"POST /settings/viewing":               page(303),

	"GET /api/v1/me/contacts":         api401(200),
	"POST /api/v1/me/contacts":        api401(201),
	"GET /api/v1/me/contacts/{id}":    apiOwned(200),
	"PUT /api/v1/me/contacts/{id}":    apiOwned(200),
	"DELETE /api/v1/me/contacts/{id}": apiOwned(204),
	"POST /api/v1/me/contacts/import": api401(200),
	"GET /api/v1/me/contacts/export":  api401(200),
	"GET /api/v1/me/find-by-email":    api401(200),
	"PUT /api/v1/me/find-by-email":    api401(200),
	"GET /contacts":                   page(200),
	"POST /contacts":                  page(303),
	"GET /contacts/{id}/edit":         owned(200),
	"POST /contacts/{id}":             owned(303),
	"POST /contacts/{id}/delete":      owned(303),
	"POST /contacts/import":           page(303),
	"GET /contact-imports/{id}":       owned(200),
	"GET /contacts/export":            page(200),
	"POST /contacts/find-by-email":    page(303),

	"GET /api/v1/me/exports":                    api401(200),
	"POST /api/v1/me/exports":                   api401(202),
	"POST /api/v1/me/exports/{id}/download":     apiOwned(200),
	"POST /api/v1/me/imports":                   api401(200),
	"GET /settings/data":                        page(200),
	"POST /settings/data/exports":               page(303),
	"POST /settings/data/exports/{id}/download": owned(200),
	"POST /settings/data/imports":               page(200),
	"POST /api/v1/me/close":                     api401(204),
	"GET /settings/close":                       page(200),
	"POST /settings/close":                      page(303),
	// Reports: of the owner's profile, which the owner cannot report and
	// a block hides (blockedGets).
	"GET /report":                                  page(200),
	"POST /report":                                 expect{toLogin, 422, 200},
	"GET /operator/reports":                        expect{toLogin, 404, 404},
	"GET /operator/reports/{id}":                   expect{toLogin, 404, 404},
	"POST /operator/reports/{id}/decision":         expect{toLogin, 404, 404},
	"POST /operator/reports/{id}/reinstate":        expect{toLogin, 404, 404},
	"GET /operator/audit":                          expect{toLogin, 404, 404},
	"POST /api/v1/reports":                         expect{401, 422, 201},
	"GET /api/v1/operator/reports":                 expect{401, 404, 404},
	"GET /api/v1/operator/reports/{id}":            expect{401, 404, 404},
	"POST /api/v1/operator/reports/{id}/decision":  expect{401, 404, 404},
	"POST /api/v1/operator/reports/{id}/reinstate": expect{401, 404, 404},
	"GET /api/v1/operator/audit":                   expect{401, 404, 404},
	"GET /api/v1/me/two-factor":                    api401(200),
	"POST /api/v1/me/two-factor/setup":             api401(200),
	"POST /api/v1/me/two-factor/enable":            {401, 409, 409},
	"POST /api/v1/me/two-factor/disable":           {401, 409, 409},
	"POST /settings/two-factor/setup":              page(200),
	"POST /settings/two-factor/enable":             {toLogin, 409, 409},
	"POST /settings/two-factor/disable":            {toLogin, 409, 409},
}

// fixture is what one row is tried against: a fresh owner with one object
// of each kind, so that a row that deletes or logs out leaves the others
// untouched.
type fixture struct {
	handle, token       string
	position, education int64
	spareSession, pat   int64
	// Other members around the owner, made straight in the store (they never
	// sign in): one who invited the owner, one the owner invited, a
	// connection, one the owner blocked, and one with no tie at all.
	received, sent               int64
	friend, blocked, unconnected string
	// The organization the owner works at, its seats, and the tokens of
	// the members around it (orgSuper, orgContent, orgSeats, revokedSeat,
	// otherSeat).
	org, contentAdmin                           string
	seat, offered, free, revoked, otherOrgsSeat int64
	tokens                                      map[string]string
	// What the owner's seat keeps, and InMail the owner received.
	project, note, savedSearch, sentMail, inbox int64
	// A post of the owner's for their connections, with the owner's
	// reaction and comment.
	post, comment int64
	// A thread the connection started with the owner, and the owner's
	// notification of it.
	thread, notification int64
	// A business card the owner keeps, an import of them, and an archive
	// of their data.
	contact, contactImport, export int64
	// A connection's report of the owner's post.
	report int64
}

var serial atomic.Int64

func newFixture(t *testing.T, site *testSite) fixture {
	t.Helper()
	handle := fmt.Sprintf("member-%d", serial.Add(1))
	// Straight in the store, without the cost of a password hash; the
	// password is testPassword all the same.
	f := fixture{handle: handle, token: quickMember(t, site, handle)}
	spare := quickSession(t, site, mustAuth(t, site, f.token).MemberID)
	ctx := rapport.NewContextWithCaller(context.Background(), mustAuth(t, site, spare))
	p, err := site.Svc.Profiles.AddPosition(ctx, rapport.Position{Title: "Engineer", OrganizationName: "Acme", Start: rapport.Month{Year: 2020, Month: 1}})
	if err != nil {
		t.Fatal(err)
	}
	e, err := site.Svc.Profiles.AddEducation(ctx, rapport.Education{School: "INSA"})
	if err != nil {
		t.Fatal(err)
	}
	_, pat, err := site.Svc.Accounts.CreateAccessToken(ctx, "script")
	if err != nil {
		t.Fatal(err)
	}
	f.position, f.education, f.pat = p.ID, e.ID, pat.ID
	f.spareSession = rapport.CallerFromContext(ctx).SessionID

	owner := rapport.CallerFromContext(ctx).MemberID
	others := map[string]*rapport.Member{}
	for _, role := range []string{"fan", "target", "friend", "blocked", "unconnected"} {
		m := &rapport.Member{Handle: fmt.Sprintf("%s-%s", role, handle), Email: fmt.Sprintf("%s-%s@example.com", role, handle), DisplayName: role}
		if err := site.DB.CreateMember(context.Background(), m, "no password", time.Now()); err != nil {
			t.Fatal(err)
		}
		others[role] = m
	}
	now := time.Now()
	invite := func(from, to int64) int64 {
		inv := &rapport.Invitation{SenderID: from, RecipientID: to, HowMet: rapport.HowMetColleague, Status: rapport.InvitationPending, CreatedAt: now}
		if err := site.DB.CreateInvitation(context.Background(), inv); err != nil {
			t.Fatal(err)
		}
		return inv.ID
	}
	f.received, f.sent = invite(others["fan"].ID, owner), invite(owner, others["target"].ID)
	if _, err := site.DB.AcceptInvitation(context.Background(), invite(others["friend"].ID, owner), owner, now.Add(-time.Hour), now); err != nil {
		t.Fatal(err)
	}
	if err := site.DB.CreateBlock(context.Background(), owner, others["blocked"].ID, now); err != nil {
		t.Fatal(err)
	}
	f.friend, f.blocked, f.unconnected = others["friend"].Handle, others["blocked"].Handle, others["unconnected"].Handle
	f.organize(t, site, ctx)
	return f
}

// organize makes the owner's organization: its admins, the owner's
// position linked to it, a pool of four seats (the owner's, one offered to
// the owner, one revoked from another member, one free), and another
// organization with a seat held by someone else.
func (f *fixture) organize(t *testing.T, site *testSite, owner context.Context) {
	t.Helper()
	as := func(handle string) (string, context.Context) {
		token := quickMember(t, site, handle)
		return token, rapport.NewContextWithCaller(context.Background(), mustAuth(t, site, token))
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	svc := site.Svc
	f.tokens = map[string]string{}
	superToken, super := as(f.handle + "-super")
	f.tokens[orgSuper] = superToken
	o, err := svc.Organizations.Create(super, rapport.Organization{Slug: "org-" + f.handle, Name: "Org " + f.handle})
	must(err)
	f.org = o.Slug
	f.contentAdmin = f.handle + "-content"
	f.tokens[orgContent], _ = as(f.contentAdmin)
	f.tokens[orgSeats], _ = as(f.handle + "-seats")
	must(svc.Organizations.GrantRole(super, f.org, f.contentAdmin, rapport.RoleContent))
	must(svc.Organizations.GrantRole(super, f.org, f.handle+"-seats", rapport.RoleSeats))
	_, err = svc.Profiles.UpdatePosition(owner, f.position, rapport.Position{Title: "Engineer", OrganizationSlug: f.org, Start: rapport.Month{Year: 2020, Month: 1}})
	must(err)

	must(svc.Seats.Grant(context.Background(), f.org, rapport.ProductRecruiter, 4))
	seats, err := svc.Seats.List(super, f.org)
	must(err)
	f.seat, f.offered, f.revoked, f.free = seats[0].ID, seats[1].ID, seats[2].ID, seats[3].ID
	must(svc.Seats.Assign(super, f.org, f.seat, f.handle))
	must(svc.Seats.Answer(owner, f.seat, true))
	must(svc.Seats.Assign(super, f.org, f.offered, f.handle))
	var formerly context.Context
	f.tokens[revokedSeat], formerly = as(f.handle + "-revoked")
	must(svc.Seats.Assign(super, f.org, f.revoked, f.handle+"-revoked"))
	must(svc.Seats.Answer(formerly, f.revoked, true))
	must(svc.Seats.Revoke(super, f.org, f.revoked))

	_, otherSuper := as(f.handle + "-osuper")
	other, err := svc.Organizations.Create(otherSuper, rapport.Organization{Slug: "other-" + f.handle, Name: "Other " + f.handle})
	must(err)
	must(svc.Seats.Grant(context.Background(), other.Slug, rapport.ProductRecruiter, 1))
	otherSeats, err := svc.Seats.List(otherSuper, other.Slug)
	must(err)
	f.otherOrgsSeat = otherSeats[0].ID
	var holder context.Context
	f.tokens[otherSeat], holder = as(f.handle + "-oholder")
	must(svc.Seats.Assign(otherSuper, other.Slug, f.otherOrgsSeat, f.handle+"-oholder"))
	must(svc.Seats.Answer(holder, f.otherOrgsSeat, true))

	fromSeat := func(ctx context.Context, seat int64) context.Context {
		c := rapport.CallerFromContext(ctx)
		c.SeatID = seat
		return rapport.NewContextWithCaller(ctx, c)
	}
	recruiter := fromSeat(owner, f.seat)
	p, err := svc.Recruiter.CreateProject(recruiter, "Data engineers")
	must(err)
	must(svc.Recruiter.PutCandidate(recruiter, p.ID, f.unconnected, ""))
	n, err := svc.Recruiter.AddNote(recruiter, f.unconnected, "Strong on SQL")
	must(err)
	ss, err := svc.Recruiter.SaveSearch(recruiter, "Lyon", service.RecruiterQuery{Location: "Lyon"})
	must(err)
	sent, err := svc.Recruiter.SendInMail(recruiter, f.unconnected, "A role", "Would you talk?")
	must(err)
	received, err := svc.Recruiter.SendInMail(fromSeat(holder, f.otherOrgsSeat), f.handle, "Another role", "Hello")
	must(err)
	f.project, f.note, f.savedSearch, f.sentMail, f.inbox = p.ID, n.ID, ss.ID, sent.ID, received.ID

	post, err := svc.Posts.Write(owner, "For my connections", rapport.AudienceConnections)
	must(err)
	must(svc.Posts.React(owner, post.ID, "like"))
	cm, err := svc.Posts.Comment(owner, post.ID, "A comment")
	must(err)
	f.post, f.comment = post.ID, cm.ID

	friend, err := site.DB.FindMemberByHandle(context.Background(), f.friend)
	must(err)
	ownerID := rapport.CallerFromContext(owner).MemberID
	site.Svc.Graph().Add(ownerID, friend.ID)
	byFriend := rapport.NewContextWithCaller(context.Background(), rapport.Caller{MemberID: friend.ID, Handle: friend.Handle})
	th, err := svc.Messages.Start(byFriend, []string{f.handle}, "Coffee next week?")
	must(err)
	notes, err := svc.Notifications.List(owner, 0)
	must(err)
	if len(notes.Notifications) == 0 {
		t.Fatal("the owner was not told of the message")
	}
	f.thread, f.notification = th.ID, notes.Notifications[0].ID

	card, err := svc.Contacts.Create(owner, rapport.Contact{Name: "Grace Hopper", Emails: []string{"grace@example.com"}})
	must(err)
	f.contact = card.ID
	im, err := svc.Contacts.StartImport(owner, strings.NewReader(testVCard), service.FormatVCard)
	must(err)
	f.contactImport = im.ID

	e, err := svc.Exports.Request(owner)
	must(err)
	for e.Status == rapport.ExportBuilding {
		time.Sleep(10 * time.Millisecond)
		list, err := svc.Exports.List(owner)
		must(err)
		e = list[0]
	}
	if e.Status != rapport.ExportReady {
		t.Fatalf("the owner's archive: %+v", e)
	}
	f.export = e.ID
}

// seatFor is the seat a kind of caller acts from on seat routes: their
// own where they have one, the owner's otherwise.
func (f fixture) seatFor(kind string) int64 {
	switch kind {
	case revokedSeat:
		return f.revoked
	case otherSeat:
		return f.otherOrgsSeat
	}
	return f.seat
}

func mustAuth(t *testing.T, site *testSite, token string) rapport.Caller {
	t.Helper()
	c, err := site.Svc.Accounts.Authenticate(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// testPasswordHash is the hash of testPassword, made once.
var testPasswordHash = sync.OnceValue(func() string {
	h, err := password.Hash(testPassword, password.DefaultParams)
	if err != nil {
		panic(err)
	}
	return h
})

// quickMember makes a member and a session for them straight in the store,
// without the cost of a password hash, and returns the session token.
func quickMember(t *testing.T, site *testSite, handle string) string {
	t.Helper()
	m := &rapport.Member{Handle: handle, Email: handle + "@example.com", DisplayName: handle}
	if err := site.DB.CreateMember(context.Background(), m, testPasswordHash(), time.Now()); err != nil {
		t.Fatal(err)
	}
	return quickSession(t, site, m.ID)
}

// quickSession signs a member in straight in the store and returns the
// session token.
func quickSession(t *testing.T, site *testSite, memberID int64) string {
	t.Helper()
	var raw [32]byte
	rand.Read(raw[:])
	token := "rps_" + hex.EncodeToString(raw[:])
	sum := sha256.Sum256([]byte(token))
	sess := &rapport.Session{MemberID: memberID, CreatedAt: time.Now(), LastSeenAt: time.Now()}
	if err := site.DB.CreateSession(context.Background(), sess, hex.EncodeToString(sum[:])); err != nil {
		t.Fatal(err)
	}
	return token
}

// relate connects the owner with the member "<owner>-friend" and blocks
// "<owner>-blocked", both signed up already.
func (f fixture) relate(t *testing.T, site *testSite) {
	t.Helper()
	ctx := context.Background()
	owner, err := site.DB.FindMemberByHandle(ctx, f.handle)
	if err != nil {
		t.Fatal(err)
	}
	friend, err := site.DB.FindMemberByHandle(ctx, f.handle+"-friend")
	if err != nil {
		t.Fatal(err)
	}
	foe, err := site.DB.FindMemberByHandle(ctx, f.handle+"-blocked")
	if err != nil {
		t.Fatal(err)
	}
	inv := &rapport.Invitation{SenderID: friend.ID, RecipientID: owner.ID, HowMet: rapport.HowMetFriend, Status: rapport.InvitationPending, CreatedAt: time.Now()}
	if err := site.DB.CreateInvitation(ctx, inv); err != nil {
		t.Fatal(err)
	}
	if _, err := site.DB.AcceptInvitation(ctx, inv.ID, owner.ID, time.Now().Add(-time.Hour), time.Now()); err != nil {
		t.Fatal(err)
	}
	site.Svc.Graph().Add(owner.ID, friend.ID)
	if err := site.DB.CreateBlock(ctx, owner.ID, foe.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
}

// around makes a member who blocked the owner, and a connection of the
// owner's connection (a 2nd-degree member), and returns their tokens.
func (f fixture) around(t *testing.T, site *testSite) (blockerToken, secondToken string) {
	t.Helper()
	ctx := context.Background()
	blockerToken, secondToken = quickMember(t, site, f.handle+"-blocker"), quickMember(t, site, f.handle+"-second")
	owner, friend := mustAuth(t, site, f.token).MemberID, mustAuth(t, site, quickSession(t, site, memberID(t, site, f.handle+"-friend"))).MemberID
	if err := site.DB.CreateBlock(ctx, mustAuth(t, site, blockerToken).MemberID, owner, time.Now()); err != nil {
		t.Fatal(err)
	}
	secondID := mustAuth(t, site, secondToken).MemberID
	inv := &rapport.Invitation{SenderID: secondID, RecipientID: friend, HowMet: rapport.HowMetFriend, Status: rapport.InvitationPending, CreatedAt: time.Now()}
	if err := site.DB.CreateInvitation(ctx, inv); err != nil {
		t.Fatal(err)
	}
	if _, err := site.DB.AcceptInvitation(ctx, inv.ID, friend, time.Now().Add(-time.Hour), time.Now()); err != nil {
		t.Fatal(err)
	}
	site.Svc.Graph().Add(secondID, friend)
	return blockerToken, secondToken
}

func memberID(t *testing.T, site *testSite, handle string) int64 {
	t.Helper()
	m, err := site.DB.FindMemberByHandle(context.Background(), handle)
	if err != nil {
		t.Fatal(err)
	}
	return m.ID
}

// path fills a route pattern with the owner's objects.
func (f fixture) path(pattern string) string {
	_, p, _ := strings.Cut(pattern, " ")
	p = strings.TrimSuffix(p, "{$}")
	if strings.HasSuffix(p, "/static/") {
		p += "style.css"
	}
	id := f.position
	handle := f.handle
	switch {
	case strings.HasSuffix(p, "/invitations/{id}/withdraw"), strings.HasSuffix(p, "/invitations/{id}"):
		id = f.sent
	case strings.Contains(p, "/invitations/{id}/"):
		id = f.received
	case strings.Contains(p, "/invite/{handle}"):
		handle = f.unconnected
	case strings.Contains(p, "/connections/{handle}"):
		handle = f.friend
	case strings.HasSuffix(p, "/members/{handle}/connections"):
		handle = f.handle
	case strings.Contains(p, "/following/{handle}"):
		handle = f.friend
	case strings.Contains(p, "/blocks/{handle}"):
		handle = f.blocked
	case strings.Contains(p, "/education/"):
		id = f.education
	case strings.Contains(p, "/sessions/"):
		id = f.spareSession
	case strings.Contains(p, "/tokens/"):
		id = f.pat
	case strings.HasSuffix(p, "/seats/{id}/assign"):
		id = f.free
	case strings.HasSuffix(p, "/seats/{id}/accept"), strings.HasSuffix(p, "/seats/{id}/decline"):
		id = f.offered
	case strings.Contains(p, "/seats/{id}/"):
		id = f.seat
	case strings.Contains(p, "/admins/{handle}/{role}"):
		handle = f.contentAdmin
	case strings.HasPrefix(p, "/api/v1/recruiter/projects/"), strings.HasPrefix(p, "/recruiter/projects/"):
		id, handle = f.project, f.unconnected
	case strings.HasPrefix(p, "/api/v1/recruiter/notes/"), strings.HasPrefix(p, "/recruiter/notes/"):
		id = f.note
	case strings.HasPrefix(p, "/api/v1/recruiter/saved-searches/"), strings.HasPrefix(p, "/recruiter/saved-searches/"):
		id = f.savedSearch
	case strings.HasPrefix(p, "/api/v1/recruiter/inmail/"), strings.HasPrefix(p, "/recruiter/inmail/"):
		id = f.sentMail
	case strings.HasPrefix(p, "/api/v1/me/inmail/"), strings.HasPrefix(p, "/inmail/"):
		id = f.inbox
	case strings.HasPrefix(p, "/api/v1/posts/{id}"), strings.HasPrefix(p, "/posts/{id}"):
		id = f.post
	case strings.HasPrefix(p, "/api/v1/messages/{id}"), strings.HasPrefix(p, "/messages/{id}"):
		id = f.thread
	case strings.HasPrefix(p, "/api/v1/notifications/{id}"):
		id = f.notification
	case strings.HasPrefix(p, "/api/v1/me/contacts/{id}"), strings.HasPrefix(p, "/contacts/{id}"):
		id = f.contact
	case strings.Contains(p, "/exports/{id}"):
		id = f.export
	case strings.HasPrefix(p, "/contact-imports/{id}"):
		id = f.contactImport
	case strings.Contains(p, "/operator/reports/{id}"):
		id = f.report
	case strings.HasPrefix(p, "/api/v1/recruiter/members/"), strings.HasPrefix(p, "/recruiter/in/"):
		handle = f.unconnected
	}
	if strings.Contains(p, "/search/") || strings.Contains(p, "/typeahead") || p == "/search" || p == "/api/v1/recruiter/search" {
		p += "?q=" + url.QueryEscape(f.handle)
	}
	return strings.NewReplacer("{id}", itoa(id), "{handle}", handle, "{token}", "rpr_unknown", "{slug}", f.org,
		"{role}", rapport.RoleContent, "{comment}", itoa(f.comment)).Replace(p)
}

// body is a valid body for a route, unique where the route makes something.
func (f fixture) body(pattern string) (api map[string]any, form url.Values) {
	n := serial.Add(1)
	newAccount := map[string]any{"email": fmt.Sprintf("new-%d@example.com", n), "handle": fmt.Sprintf("new-%d", n), "display_name": "New", "password": testPassword}
	login := map[string]any{"email": f.handle + "@example.com", "password": testPassword}
	position := map[string]any{"title": "Lead", "organization_name": "Acme", "start": "2021-01"}
	education := map[string]any{"school": "INSA", "degree": "MSc"}
	switch pattern {
	case "POST /api/v1/accounts", "POST /signup":
		api = newAccount
	case "POST /api/v1/sessions", "POST /login":
		api = login
	case "POST /api/v1/password-resets", "POST /password/forgot":
		api = map[string]any{"email": f.handle + "@example.com"}
	case "POST /api/v1/password-resets/confirm", "POST /password/reset/{token}":
		api = map[string]any{"token": "rpr_unknown", "password": "granite-meadow-sings-softly-42"}
	case "PATCH /api/v1/me/profile", "POST /me/profile":
		api = map[string]any{"headline": "Engineer", "display_name": "Someone", "visibility": "public"}
	case "POST /api/v1/me/positions", "PUT /api/v1/me/positions/{id}", "POST /me/positions", "POST /me/positions/{id}":
		api = position
	case "POST /api/v1/me/education", "PUT /api/v1/me/education/{id}", "POST /me/education", "POST /me/education/{id}":
		api = education
	case "PUT /api/v1/me/connections/{handle}/note", "POST /network/connections/{handle}/note":
		api = map[string]any{"note": "Met at the fair", "tags": []string{"trusted", "Go"}}
	case "PUT /api/v1/me/skills":
		api = map[string]any{"skills": []string{"Go"}}
	case "POST /me/skills":
		api = map[string]any{"skills": "Go, SQL"}
	case "PUT /api/v1/me/password", "POST /settings/password":
		api = map[string]any{"current_password": testPassword, "new_password": "amber-lighthouse-whistles-at-dawn"}
	case "PUT /api/v1/me/email", "POST /settings/email":
		api = map[string]any{"email": fmt.Sprintf("changed%d@example.com", n), "password": testPassword}
	case "POST /api/v1/invitations", "POST /network/invitations":
		api = map[string]any{"to": f.unconnected, "how_met": "friend", "note": "We met at the conference."}
	case "POST /api/v1/me/blocks", "POST /network/blocks", "POST /api/v1/me/following":
		api = map[string]any{"handle": f.unconnected}
	case "POST /api/v1/me/tokens", "POST /settings/tokens":
		api = map[string]any{"name": "script"}
	case "POST /api/v1/organizations", "POST /organizations":
		api = map[string]any{"slug": fmt.Sprintf("new-org-%d", n), "name": "New Org"}
	case "PATCH /api/v1/organizations/{slug}", "POST /org/{slug}/edit":
		api = map[string]any{"name": "Renamed Org", "industry": "Software"}
	case "POST /api/v1/organizations/{slug}/admins", "POST /org/{slug}/admins":
		api = map[string]any{"handle": f.unconnected, "role": "content"}
	case "POST /api/v1/organizations/{slug}/seats/{id}/assign", "POST /api/v1/organizations/{slug}/seats/{id}/reassign",
		"POST /org/{slug}/seats/{id}/assign", "POST /org/{slug}/seats/{id}/reassign":
		api = map[string]any{"handle": f.unconnected}
	case "PUT /api/v1/me/open-to-work":
		api = map[string]any{"titles": []string{"Engineer"}}
	case "POST /me/open-to-work":
		api = map[string]any{"titles": "Engineer, Data engineer"}
	case "POST /recruiter/in/{handle}/project":
		api = map[string]any{"project": f.project, "stage": "contacted"}
	case "POST /api/v1/recruiter/projects", "PATCH /api/v1/recruiter/projects/{id}", "POST /recruiter/projects", "POST /recruiter/projects/{id}/rename":
		api = map[string]any{"name": "Backend"}
	case "PUT /api/v1/recruiter/projects/{id}/candidates/{handle}", "POST /recruiter/projects/{id}/candidates/{handle}":
		api = map[string]any{"stage": "contacted"}
	case "POST /api/v1/recruiter/members/{handle}/notes", "POST /api/v1/recruiter/inmail/{id}/messages", "POST /api/v1/me/inmail/{id}/reply",
		"POST /recruiter/in/{handle}/notes", "POST /recruiter/inmail/{id}/messages", "POST /inmail/{id}/reply":
		api = map[string]any{"body": "Thanks, let us talk."}
	case "POST /api/v1/recruiter/saved-searches", "POST /recruiter/saved-searches":
		api = map[string]any{"name": "Remote", "q": "engineer", "open_to_work": true}
	case "POST /api/v1/recruiter/inmail", "POST /recruiter/inmail":
		api = map[string]any{"to": f.unconnected, "subject": "A role", "body": "Would you talk?"}
	case "POST /api/v1/posts", "PATCH /api/v1/posts/{id}", "POST /api/v1/organizations/{slug}/posts",
		"POST /posts", "POST /posts/{id}/edit", "POST /org/{slug}/posts":
		api = map[string]any{"body": "Hello, network"}
	case "PUT /api/v1/posts/{id}/reaction", "POST /posts/{id}/react":
		api = map[string]any{"reaction": "celebrate"}
	case "POST /api/v1/posts/{id}/comments", "POST /posts/{id}/comments":
		api = map[string]any{"body": "Well done"}
	case "PUT /api/v1/me/sharing", "POST /settings/sharing":
		api = map[string]any{"share_updates": false}
	case "POST /api/v1/me/inmail/{id}/report", "POST /inmail/{id}/report":
		api = map[string]any{"reason": "Spam"}
	case "POST /api/v1/messages":
		api = map[string]any{"to": []string{f.friend}, "body": "Hello"}
	case "POST /messages":
		api = map[string]any{"to": f.friend, "body": "Hello"}
	case "POST /api/v1/messages/{id}/messages", "POST /messages/{id}":
		api = map[string]any{"body": "See you then"}
	case "PUT /api/v1/me/profile-viewing", "POST /settings/viewing":
		api = map[string]any{"mode": "private"}
	case "POST /api/v1/me/contacts", "PUT /api/v1/me/contacts/{id}":
		api = map[string]any{"name": "Katherine Johnson", "emails": []string{"kj@example.com"}}
	case "POST /contacts", "POST /contacts/{id}":
		api = map[string]any{"name": "Katherine Johnson", "emails": "kj@example.com"}
	case "PUT /api/v1/me/find-by-email", "POST /contacts/find-by-email":
		api = map[string]any{"find_by_email": "connections"}
	case "POST /api/v1/me/exports/{id}/download", "POST /settings/data/exports/{id}/download", "POST /api/v1/me/close", "POST /settings/close",
		"POST /api/v1/me/two-factor/setup", "POST /settings/two-factor/setup":
		api = map[string]any{"password": testPassword}
	case "POST /api/v1/reports", "POST /report":
		api = map[string]any{"subject": "profile", "handle": f.handle, "reason": "fake"}
	case "POST /api/v1/operator/reports/{id}/decision", "POST /operator/reports/{id}/decision":
		api = map[string]any{"status": "dismissed"}
	case "POST /api/v1/operator/reports/{id}/reinstate", "POST /operator/reports/{id}/reinstate":
		api = map[string]any{"reason": ""}
	case "POST /api/v1/me/two-factor/enable", "POST /settings/two-factor/enable":
		api = map[string]any{"code": "000000"}
	case "POST /api/v1/me/two-factor/disable", "POST /settings/two-factor/disable":
		api = map[string]any{"password": testPassword, "code": "000000"}
	}
	if !strings.Contains(pattern, "/api/") && api != nil {
		form = url.Values{}
		for k, v := range api {
			form.Set(k, fmt.Sprint(v))
		}
		if strings.Contains(pattern, "/positions") {
			form.Set("current", "on")
		}
		return nil, form
	}
	return api, nil
}

// A credential is how a caller says who they are. Every kind of caller but
// anonymous is tried with both, and must get the same answer but where
// expected says otherwise.
type credential string

const (
	// withCookie is a browser's: the session cookie, and on seat pages
	// the seat switched into (the rapport_seat cookie).
	withCookie credential = "with the session cookie"
	// withBearer is a script's: an Authorization header with the token.
	withBearer credential = "with a bearer token"
	// withNothing is the anonymous caller's, a browser not signed in.
	withNothing credential = "with no credentials"
)

// attach puts the token and, on a seat route, the seat on a request. The
// API reads the seat from the Rapport-Seat header whatever the credential;
// pages read it from the rapport_seat cookie, and a bearer caller sends the
// header there too.
func (c credential) attach(req *http.Request, token string, api bool, seat int64) {
	switch {
	case token == "" || c == withNothing:
	case c == withBearer:
		req.Header.Set("Authorization", "Bearer "+token)
	default:
		req.AddCookie(&http.Cookie{Name: "rapport_session", Value: token})
	}
	switch {
	case seat == 0:
	case api || c == withBearer:
		req.Header.Set("Rapport-Seat", itoa(seat))
	default:
		req.AddCookie(&http.Cookie{Name: "rapport_seat", Value: itoa(seat)})
	}
}

// expected is the answer a kind of caller gets from a route with a
// credential: the row's cell for the kind, but where these rules say
// otherwise.
func expected(want expect, key string, api bool, kind string, cred credential) int {
	if !api && cred == withBearer {
		// Pages are for browsers, which sign in with the cookie: they do
		// not read the Authorization header, so a bearer token alone is
		// no credential there and its caller is an anonymous visitor.
		// (Forms are kept from other sites by the Origin and
		// Sec-Fetch-Site headers, which do not depend on the credential.)
		kind = anonymous
	}
	e := want.stranger
	switch kind {
	case anonymous, ended, closed:
		// A cookie that no longer works is dropped, and its caller goes
		// on as anonymous.
		e = want.anonymous
	case owner:
		e = want.owner
	}
	if v, ok := connectionGets[key]; ok && kind == connected {
		e = v
	}
	if v, ok := blockedGets[key]; ok && (kind == blocked || kind == blocker) {
		e = v
	}
	if v, ok := orgGets[key][kind]; ok {
		e = v
	}
	if (kind == ended || kind == closed) && api && cred == withBearer {
		e = 401 // a bearer token that does not work is refused, whatever the route
	}
	return e
}

// world is what a route is tried against: a fixture, and the token of
// every kind of caller around it.
type world struct {
	f      fixture
	tokens map[string]string
}

func newWorld(t *testing.T, site *testSite) world {
	t.Helper()
	f := newFixture(t, site)
	endedToken := quickSession(t, site, mustAuth(t, site, f.token).MemberID)
	site.api("DELETE", "/api/v1/sessions/current", endedToken, nil)
	tokens := map[string]string{anonymous: "", stranger: quickMember(t, site, fmt.Sprintf("stranger-%d", serial.Add(1))), ended: endedToken, owner: f.token,
		connected: quickMember(t, site, f.handle+"-friend"), blocked: quickMember(t, site, f.handle+"-blocked")}
	maps.Copy(tokens, f.tokens)
	f.relate(t, site)
	tokens[blocker], tokens[second] = f.around(t, site)
	tokens[closed] = quickMember(t, site, f.handle+"-closed")
	if err := site.DB.CloseMember(context.Background(), mustAuth(t, site, tokens[closed]).MemberID, time.Now()); err != nil {
		t.Fatal(err)
	}
	tokens[operator] = quickMember(t, site, f.handle+"-operator")
	if err := site.DB.AddOperator(context.Background(), mustAuth(t, site, tokens[operator]).MemberID, 0, time.Now()); err != nil {
		t.Fatal(err)
	}
	ownerID := mustAuth(t, site, f.token).MemberID
	r := &rapport.Report{ReporterID: mustAuth(t, site, tokens[connected]).MemberID, MemberID: ownerID, Subject: rapport.SubjectPost,
		SubjectID: f.post, Reason: "spam", Excerpt: "Hello"}
	if _, err := site.DB.CreateReport(context.Background(), r, time.Now()); err != nil {
		t.Fatal(err)
	}
	f.report = r.ID
	return world{f: f, tokens: tokens}
}

// kinds are the kinds of caller in the order they are tried. The owner
// goes last: their request may delete the objects or end the session the
// others are tried against.
var kinds = []string{anonymous, stranger, connected, second, blocked, blocker, revokedSeat, otherSeat, orgSuper, orgContent, orgSeats, ended, closed, operator, owner}

// TestAuthorizationTable walks every route of the route table with every
// kind of caller, each with the session cookie and with a bearer token, and
// checks the answer against authzTable.
//
// A kind tries its bearer token first, then its cookie, on the same world,
// where the first request cannot change the second's answer: on a route
// that changes nothing (GET), and on pages, which take a bearer token for
// no credential. An API route that changes something is tried with each
// credential on a world of its own.
func TestAuthorizationTable(t *testing.T) {
	site := newTestSite(t)
	routes := site.Server.Routes()
	seen := map[string]bool{}
	for _, rt := range routes {
		key := rt.Method + " " + rt.Pattern
		seen[key] = true
		want, ok := authzTable[key]
		if !ok {
			t.Errorf("route %s has no row in the authorization table", key)
			continue
		}
		t.Run(strings.ReplaceAll(key, "/", "_"), func(t *testing.T) {
			t.Parallel()
			site := site.with(t)
			api := rt.API || strings.HasPrefix(rt.Pattern, "/api/")
			rounds := [][]credential{{withBearer, withCookie}}
			if api && rt.Method != "GET" {
				rounds = [][]credential{{withBearer}, {withCookie}}
			}
			changesOrg := (strings.Contains(key, "/organizations/{slug}") || strings.Contains(key, "/org/{slug}")) && rt.Method != "GET"
			for round, creds := range rounds {
				w := newWorld(t, site)
				for _, kind := range kinds {
					tries := creds
					if kind == anonymous {
						if round > 0 {
							continue
						}
						tries = []credential{withNothing}
					}
					on, token := w.f, w.tokens[kind]
					if changesOrg && slices.Contains(orgKinds, kind) {
						on = newFixture(t, site)
						token = on.tokens[kind]
					}
					for _, cred := range tries {
						got := send(t, site, rt, cred, token, on.seatFor(kind), key, on)
						if want := expected(want, key, api, kind, cred); got != want {
							t.Errorf("%s as %s %s: got %d, want %d", key, kind, cred, got, want)
						}
					}
				}
			}
		})
	}
	for key := range authzTable {
		if !seen[key] {
			t.Errorf("the authorization table names %s, which is not a route", key)
		}
	}
}

// send makes the request as the caller, with the credential given and, on
// seat routes, from the seat given. It returns the status, with toLogin for
// a redirect to the sign-in page.
func send(t *testing.T, site *testSite, rt web.RouteInfo, cred credential, token string, seat int64, key string, f fixture) int {
	t.Helper()
	path := f.path(key)
	api := rt.API || strings.HasPrefix(path, "/api/")
	var raw []byte
	contentType := ""
	switch jsonBody, form := f.body(key); {
	case strings.HasSuffix(path, "/contacts/import") || strings.HasSuffix(path, "/me/imports") || strings.HasSuffix(path, "/data/imports"):
		raw, contentType = importBody(path)
	case jsonBody != nil:
		raw, contentType = []byte(mustJSON(t, jsonBody)), "application/json"
	case form != nil:
		raw, contentType = []byte(form.Encode()), "application/x-www-form-urlencoded"
	}
	req, err := http.NewRequest(rt.Method, site.URL+path, bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if rt.Access != web.Seat {
		seat = 0
	}
	cred.attach(req, token, api, seat)
	if strings.HasSuffix(path, "/stream") {
		// A live stream lasts as long as it is open: only its status is read.
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	r := site.do(req, raw)
	if r.Status == http.StatusSeeOther && strings.HasPrefix(r.Header.Get("Location"), "/login") {
		return toLogin
	}
	return r.Status
}

// importBody is an import's body: testVCard for contacts, or else
// testConnectionsCSV for an archive, sent as they are to the API and as a
// file of a form to pages.
func importBody(path string) (body []byte, contentType string) {
	file, name, contentType := testVCard, "cards.vcf", "text/vcard"
	if !strings.Contains(path, "/contacts/") {
		file, name, contentType = testConnectionsCSV, "Connections.csv", "text/csv"
	}
	if strings.HasPrefix(path, "/api/") {
		return []byte(file), contentType
	}
	form, contentType := multipartFile("file", name, file)
	return []byte(form), contentType
}
