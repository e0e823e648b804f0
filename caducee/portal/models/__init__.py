from caducee.portal.models.satisfaction import SCORE_MAX, SCORE_MIN, Satisfaction

__all__ = ["SCORE_MAX", "SCORE_MIN", "Satisfaction"]
