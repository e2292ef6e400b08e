package web

// routeTable is every route of the site and who may call it. It is the one
// place to look for what a site answers; the authorization test walks it
// with every kind of caller, so a route added here without a row there fails.
func (s *Server) routeTable() []route {
	return []route{
		// Operations.
		{Method: "GET", Pattern: "/healthz", Access: Anyone, handle: s.handleHealthz},
		{Method: "GET", Pattern: "/readyz", Access: Anyone, handle: s.handleReadyz},
		{Method: "GET", Pattern: "/metrics", Access: Anyone, handle: s.handleMetrics},
		{Method: "GET", Pattern: "/static/", Access: Anyone, handle: s.handleStatic},
		{Method: "GET", Pattern: "/api/openapi.json", Access: Anyone, API: true, handle: s.handleOpenAPI},

		// JSON API: accounts and sessions.
		{Method: "POST", Pattern: "/api/v1/accounts", Access: Anyone, API: true, handle: s.handleAPIAccountCreate},
		{Method: "POST", Pattern: "/api/v1/sessions", Access: Anyone, API: true, handle: s.handleAPISessionCreate},
		{Method: "DELETE", Pattern: "/api/v1/sessions/current", Access: Member, API: true, handle: s.handleAPISessionDeleteCurrent},
		{Method: "DELETE", Pattern: "/api/v1/sessions", Access: Member, API: true, handle: s.handleAPISessionDeleteAll},
		{Method: "POST", Pattern: "/api/v1/password-resets", Access: Anyone, API: true, handle: s.handleAPIPasswordResetCreate},
		{Method: "POST", Pattern: "/api/v1/password-resets/confirm", Access: Anyone, API: true, handle: s.handleAPIPasswordResetConfirm},

		// JSON API: the caller's own account.
		{Method: "GET", Pattern: "/api/v1/me", Access: Member, API: true, handle: s.handleAPIMe},
		{Method: "PATCH", Pattern: "/api/v1/me/profile", Access: Member, API: true, handle: s.handleAPIProfileUpdate},
		{Method: "GET", Pattern: "/api/v1/me/positions", Access: Member, API: true, handle: s.handleAPIPositionList},
		{Method: "POST", Pattern: "/api/v1/me/positions", Access: Member, API: true, handle: s.handleAPIPositionCreate},
		{Method: "PUT", Pattern: "/api/v1/me/positions/{id}", Access: Member, API: true, handle: s.handleAPIPositionUpdate},
		{Method: "DELETE", Pattern: "/api/v1/me/positions/{id}", Access: Member, API: true, handle: s.handleAPIPositionDelete},
		{Method: "GET", Pattern: "/api/v1/me/education", Access: Member, API: true, handle: s.handleAPIEducationList},
		{Method: "POST", Pattern: "/api/v1/me/education", Access: Member, API: true, handle: s.handleAPIEducationCreate},
		{Method: "PUT", Pattern: "/api/v1/me/education/{id}", Access: Member, API: true, handle: s.handleAPIEducationUpdate},
		{Method: "DELETE", Pattern: "/api/v1/me/education/{id}", Access: Member, API: true, handle: s.handleAPIEducationDelete},
		{Method: "GET", Pattern: "/api/v1/me/skills", Access: Member, API: true, handle: s.handleAPISkillsGet},
		{Method: "PUT", Pattern: "/api/v1/me/skills", Access: Member, API: true, handle: s.handleAPISkillsPut},
		{Method: "PUT", Pattern: "/api/v1/me/password", Access: Member, API: true, handle: s.handleAPIPasswordChange},
		{Method: "PUT", Pattern: "/api/v1/me/email", Access: Member, API: true, handle: s.handleAPIEmailChange},
		{Method: "GET", Pattern: "/api/v1/me/sessions", Access: Member, API: true, handle: s.handleAPISessionList},
		{Method: "DELETE", Pattern: "/api/v1/me/sessions/{id}", Access: Member, API: true, handle: s.handleAPISessionDelete},
		{Method: "GET", Pattern: "/api/v1/me/tokens", Access: Member, API: true, handle: s.handleAPITokenList},
		{Method: "POST", Pattern: "/api/v1/me/tokens", Access: Member, API: true, handle: s.handleAPITokenCreate},
		{Method: "DELETE", Pattern: "/api/v1/me/tokens/{id}", Access: Member, API: true, handle: s.handleAPITokenDelete},

		// JSON API: invitations, connections and blocks.
		{Method: "POST", Pattern: "/api/v1/invitations", Access: Member, API: true, handle: s.handleAPIInvitationCreate},
		{Method: "GET", Pattern: "/api/v1/invitations/received", Access: Member, API: true, handle: s.handleAPIInvitationsReceived},
		{Method: "GET", Pattern: "/api/v1/invitations/sent", Access: Member, API: true, handle: s.handleAPIInvitationsSent},
		{Method: "POST", Pattern: "/api/v1/invitations/{id}/accept", Access: Member, API: true, handle: s.handleAPIInvitationAccept},
		{Method: "POST", Pattern: "/api/v1/invitations/{id}/ignore", Access: Member, API: true, handle: s.handleAPIInvitationIgnore},
		{Method: "POST", Pattern: "/api/v1/invitations/{id}/dont-know", Access: Member, API: true, handle: s.handleAPIInvitationDontKnow},
		{Method: "DELETE", Pattern: "/api/v1/invitations/{id}", Access: Member, API: true, handle: s.handleAPIInvitationWithdraw},
		{Method: "GET", Pattern: "/api/v1/me/connections", Access: Member, API: true, handle: s.handleAPIConnections},
		{Method: "DELETE", Pattern: "/api/v1/me/connections/{handle}", Access: Member, API: true, handle: s.handleAPIConnectionDelete},
		{Method: "GET", Pattern: "/api/v1/me/suggestions", Access: Member, API: true, handle: s.handleAPISuggestions},
		{Method: "GET", Pattern: "/api/v1/members/{handle}/mutuals", Access: Member, API: true, handle: s.handleAPIMutuals},
		{Method: "GET", Pattern: "/api/v1/members/{handle}/path", Access: Member, API: true, handle: s.handleAPIPath},
		{Method: "GET", Pattern: "/api/v1/me/blocks", Access: Member, API: true, handle: s.handleAPIBlocks},
		{Method: "POST", Pattern: "/api/v1/me/blocks", Access: Member, API: true, handle: s.handleAPIBlockCreate},
		{Method: "DELETE", Pattern: "/api/v1/me/blocks/{handle}", Access: Member, API: true, handle: s.handleAPIBlockDelete},

		// JSON API: other members.
		{Method: "GET", Pattern: "/api/v1/members/{handle}", Access: Anyone, API: true, handle: s.handleAPIMember},

		// Pages.
		{Method: "GET", Pattern: "/{$}", Access: Anyone, handle: s.handleHome},
		{Method: "GET", Pattern: "/signup", Access: Anyone, handle: s.handleSignUpPage},
		{Method: "POST", Pattern: "/signup", Access: Anyone, handle: s.handleSignUp},
		{Method: "GET", Pattern: "/login", Access: Anyone, handle: s.handleLogInPage},
		{Method: "POST", Pattern: "/login", Access: Anyone, handle: s.handleLogIn},
		{Method: "POST", Pattern: "/logout", Access: Member, handle: s.handleLogOut},
		{Method: "GET", Pattern: "/password/forgot", Access: Anyone, handle: s.handleForgotPage},
		{Method: "POST", Pattern: "/password/forgot", Access: Anyone, handle: s.handleForgot},
		{Method: "GET", Pattern: "/password/reset/{token}", Access: Anyone, handle: s.handleResetPage},
		{Method: "POST", Pattern: "/password/reset/{token}", Access: Anyone, handle: s.handleReset},
		{Method: "GET", Pattern: "/in/{handle}", Access: Anyone, handle: s.handleProfilePage},
		{Method: "GET", Pattern: "/me", Access: Member, handle: s.handleMyProfile},
		{Method: "GET", Pattern: "/me/edit", Access: Member, handle: s.handleEditPage},
		{Method: "POST", Pattern: "/me/profile", Access: Member, handle: s.handleProfileSave},
		{Method: "POST", Pattern: "/me/positions", Access: Member, handle: s.handlePositionAdd},
		{Method: "GET", Pattern: "/me/positions/{id}/edit", Access: Member, handle: s.handlePositionEditPage},
		{Method: "POST", Pattern: "/me/positions/{id}", Access: Member, handle: s.handlePositionSave},
		{Method: "POST", Pattern: "/me/positions/{id}/delete", Access: Member, handle: s.handlePositionDelete},
		{Method: "POST", Pattern: "/me/education", Access: Member, handle: s.handleEducationAdd},
		{Method: "GET", Pattern: "/me/education/{id}/edit", Access: Member, handle: s.handleEducationEditPage},
		{Method: "POST", Pattern: "/me/education/{id}", Access: Member, handle: s.handleEducationSave},
		{Method: "POST", Pattern: "/me/education/{id}/delete", Access: Member, handle: s.handleEducationDelete},
		{Method: "POST", Pattern: "/me/skills", Access: Member, handle: s.handleSkillsSave},
		{Method: "GET", Pattern: "/settings", Access: Member, handle: s.handleSettingsPage},
		{Method: "POST", Pattern: "/settings/password", Access: Member, handle: s.handlePasswordSave},
		{Method: "POST", Pattern: "/settings/email", Access: Member, handle: s.handleEmailSave},
		{Method: "POST", Pattern: "/settings/sessions/{id}/delete", Access: Member, handle: s.handleSessionEnd},
		{Method: "POST", Pattern: "/settings/sessions/logout-all", Access: Member, handle: s.handleLogOutEverywhere},
		{Method: "POST", Pattern: "/settings/tokens", Access: Member, handle: s.handleTokenCreate},
		{Method: "POST", Pattern: "/settings/tokens/{id}/delete", Access: Member, handle: s.handleTokenRevoke},
	}
}
