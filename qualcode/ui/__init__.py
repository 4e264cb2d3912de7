"""The Streamlit user interface (``streamlit run app.py``)."""
