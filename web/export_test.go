package web

// PostHTML is postHTML, for the tests of package web_test.
var PostHTML = postHTML
