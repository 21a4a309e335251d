"""Pure types of the funnel: facts about a person and what qualification says of them.

facts          Facts, Event, Source, BantFacts, SalesFacts, Conversation, Opportunity
vocabulary     standard event types, sales actions, channels, activity outcomes
qualification  Qualification and its parts (FitResult, EngagementResult, Contribution ...)
lifecycle      Transition records and LifecycleState
clock          Clock protocol and the UTC helpers every layer uses for time
"""
