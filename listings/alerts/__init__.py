"""Job alerts: saved searches emailed to seekers, with no account and a double opt-in.

``tokens`` signs the links in the emails; ``services`` holds the writes (sign-up, confirm,
change, unsubscribe) and the confirmation emails; ``matching`` says which vacancies a saved
search gets, with the search page's own FilterSet; ``digests`` builds and sends digest runs;
``emails`` renders the messages; ``views``, ``forms`` and ``urls`` are the pages.
"""
