"""Every write to the library goes through these functions, whichever page, API call or
command asks for it."""
