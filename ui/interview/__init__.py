"""The interview wizard: the questionnaire flow of `idtool` bound to widgets."""

from ui.interview.wizard import InterviewWizard

__all__ = ["InterviewWizard"]
